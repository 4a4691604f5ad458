/* The window's recording and replay, without a window: the real trainer thread records
 * into an AppRecorder while this thread takes its snapshots as the render thread does;
 * then every snapshot kept has its frame in the recording, whose past snapshot
 * (app_past_build) holds the snapshot's latents exactly as halves keep them, and whose
 * scatter is pixel for pixel the snapshot's; the settings changes are events at their
 * steps; a reset starts a new recording. Run it under TSan too (the trainer's trylock
 * against this thread's reads). */
#include <math.h>
#include <string.h>
#include <time.h>

#include "check.h"
#include "half.h"
#include "replay.h"
#include "rng.h"
#include "scatter.h"
#include "training.h"

#define N_TEST 64
#define KEEP 6 /* snapshots kept to compare */

static void sleep_ms(int ms) {
    struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

static void make_split(VaeSplit *s, int n, uint64_t seed) {
    VaeRng r;
    vae_rng_seed(&r, seed, 7);
    s->n = n, s->rows = 8, s->cols = 8;
    s->images = malloc((size_t)n * 64);
    s->labels = malloc((size_t)n);
    for (int i = 0; i < n; i++) {
        s->labels[i] = (uint8_t)(i % 3);
        for (int p = 0; p < 64; p++)
            s->images[i * 64 + p] = (uint8_t)((p % 8 < 4) == (i % 2) ? 200 + vae_rng_below(&r, 55)
                                                                     : vae_rng_below(&r, 40));
    }
}

typedef struct {
    int64_t step;
    float mu[2][N_TEST * 2], lv[N_TEST * 2];
} Kept;

/* The scatter of model m's codes mu (N_TEST, 2) on a fixed view. */
static void raster(const float *mu, const uint8_t *labels, uint32_t *px) {
    VaePlaneView v = {0, 0, 20};
    VaeScatterPoints pts = {mu, 2, N_TEST, {0, 1}, labels};
    VaeScatterColors c = {0xff000000u, 0xff202020u, 0xff404040u};
    CHECK(vae_scatter_raster(px, 96, 96, &v, 1, &pts, &c) == 0);
}

/* Snapshots with new latents, as the render thread takes them, until KEEP are kept. */
static int collect(AppSnapshotBox *b, Kept *kept, AppSnapshot **last) {
    AppSnapshot *cur = NULL;
    uint64_t seen = 0;
    int n = 0;
    for (int i = 0; i < 6000 && n < KEEP; i++) {
        cur = app_box_take(b, cur);
        if (cur && cur->latents_seq != seen && cur->latents_step > 0) {
            seen = cur->latents_seq;
            kept[n].step = cur->latents_step;
            for (int m = 0; m < 2; m++)
                memcpy(kept[n].mu[m], cur->mu[m], sizeof kept[n].mu[m]);
            memcpy(kept[n].lv, cur->lv[0], sizeof kept[n].lv);
            n++;
        }
        sleep_ms(5);
    }
    *last = cur;
    return n;
}

/* Kept snapshot k against its recorded frame. */
static void check_frame(const VaeRecording *r, AppPast *past, const Kept *k,
                        const uint8_t *labels) {
    int f = vae_recording_frame_at(r, k->step);
    CHECK_MSG(f >= 0 && vae_recording_frame_step(r, f) == k->step, "a frame at step %lld",
              (long long)k->step);
    if (f < 0) return;
    char err[VAE_ERR_LEN];
    CHECK_MSG(app_past_build(past, r, 1, f, NULL, 8, err) == 0, "%s", err);
    const AppSnapshot *s = past->snap;
    CHECK(s && s->step == k->step && s->n_models == 2 && s->n_points == N_TEST);
    if (!s) return;
    CHECK(s->seq >= APP_PAST_SEQ && s->latents_seq == s->seq);
    for (int m = 0; m < 2; m++) {
        /* the snapshot's latents as halves keep them: bit for bit */
        uint16_t h[N_TEST * 2];
        float want[N_TEST * 2], want_lv[N_TEST * 2];
        vae_f32_to_f16(k->mu[m], h, N_TEST * 2);
        vae_f16_to_f32(h, want, N_TEST * 2);
        CHECK_MSG(!memcmp(want, s->mu[m], sizeof want), "model %d's mu at step %lld", m,
                  (long long)k->step);
        if (m == 0) {
            vae_f32_to_f16(k->lv, h, N_TEST * 2);
            vae_f16_to_f32(h, want_lv, N_TEST * 2);
            CHECK(!memcmp(want_lv, s->lv[0], sizeof want_lv));
        }
        static uint32_t a[96 * 96], b[96 * 96];
        raster(want, labels, a);
        raster(s->mu[m], labels, b);
        CHECK_MSG(!memcmp(a, b, sizeof a), "model %d's scatter at step %lld", m,
                  (long long)k->step);
    }
    CHECK(s->lstats[0].valid && s->n_hist > 0 && s->hist[s->n_hist - 1].step <= k->step);
}

static AppTrainer *start(AppTrainerConfig *tc, VaeDataset *ds, AppSnapshotBox *b,
                         AppRecorder *rec) {
    memset(tc, 0, sizeof *tc);
    tc->n_models = 2;
    tc->cfg[0] = vae_config_default();
    tc->cfg[0].input_h = tc->cfg[0].input_w = 8;
    tc->cfg[0].n_hidden = 1, tc->cfg[0].hidden[0] = 16, tc->cfg[0].classes = 3;
    tc->cfg[1] = tc->cfg[0];
    tc->cfg[1].kind = VAE_KIND_AE;
    tc->tc = vae_train_config_default();
    tc->tc.batch = 32;
    tc->ds = ds;
    tc->recorder = rec;
    char err[256];
    AppTrainer *t = app_trainer_start(tc, b, err, sizeof err);
    CHECK_MSG(t != NULL, "%s", err);
    return t;
}

/* The events up to now: beta 1 from the start, beta 2 after the change. */
static void check_events(AppRecorder *rec, int64_t changed_at) {
    VaeRecording *r = NULL;
    for (int i = 0; i < 400 && !r; i++, sleep_ms(5)) /* (no publication holds it long) */
        r = app_recorder_try(rec);
    CHECK(r != NULL);
    if (!r) return;
    float v[VAE_EVENT_KINDS];
    app_past_settings(r, 0, 0, v);
    CHECK_MSG(v[VAE_EVENT_BETA] == 1.0f && v[VAE_EVENT_LR] > 0, "beta %g at step 0",
              v[VAE_EVENT_BETA]);
    app_past_settings(r, 0, INT64_MAX, v);
    CHECK_MSG(v[VAE_EVENT_BETA] == 2.0f, "beta %g after [", v[VAE_EVENT_BETA]);
    CHECK(app_past_paused(r, INT64_MAX) == 1 && app_past_paused(r, 0) == 0);
    (void)changed_at;
    app_recorder_release(rec);
}

int main(void) {
    VaeDataset ds;
    memset(&ds, 0, sizeof ds);
    make_split(&ds.train, 256, 1);
    make_split(&ds.test, N_TEST, 2);
    ds.classes = 3;
    AppSnapshotBox b;
    app_box_init(&b);
    AppRecorder rec;
    CHECK(app_recorder_init(&rec) == 0);
    AppTrainerConfig tc;
    AppTrainer *t = start(&tc, &ds, &b, &rec);
    if (!t) return CHECK_DONE();
    static Kept kept[KEEP];
    AppSnapshot *cur;
    int n = collect(&b, kept, &cur);
    CHECK_MSG(n == KEEP, "%d snapshots with new latents", n);
    app_trainer_set(t, APP_SET_BETA, -1, 2.0f);
    app_trainer_toggle_pause(t);
    sleep_ms(300); /* a publication or two: the events go in */
    check_events(&rec, 0);
    VaeRecording *r = app_recorder_wait(&rec);
    CHECK(r != NULL && vae_recording_n_frames(r) >= KEEP && vae_recording_n_decoders(r) >= 1);
    unsigned gen = atomic_load(&rec.gen);
    AppPast past = {0};
    past.frame = past.decoder = -1;
    for (int k = 0; r && k < n; k++)
        check_frame(r, &past, &kept[k], ds.test.labels);
    /* a different step's scatter differs (the check above can fail) */
    if (r && n >= 2) CHECK(memcmp(kept[0].mu[0], kept[n - 1].mu[0], sizeof kept[0].mu[0]) != 0);
    if (r) app_recorder_release(&rec);
    app_past_free(&past);
    /* a reset starts a new recording: a new generation, its steps from 0 */
    app_trainer_reset(t); /* (paused: the reset's state is published at step 0) */
    for (int i = 0; i < 2000 && atomic_load(&rec.gen) == gen; i++)
        sleep_ms(5);
    CHECK_MSG(atomic_load(&rec.gen) != gen, "a new recording after the reset");
    app_trainer_stop(t);
    r = app_recorder_wait(&rec);
    CHECK(r && vae_recording_n_frames(r) >= 1 && vae_recording_frame_step(r, 0) == 0);
    if (r) app_recorder_release(&rec);
    app_box_discard(&b, cur);
    app_box_destroy(&b);
    app_recorder_free(&rec);
    vae_dataset_free(&ds);
    CHECK(app_snapshot_live() == 0);
    return CHECK_DONE();
}
