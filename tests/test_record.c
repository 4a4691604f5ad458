/* Tests for record.c and record_file.c: a recording reopens bit-exact (latents as halves,
 * losses, events, curve, decoders); thinning keeps the first and last entries and spaces
 * the rest evenly in log(1 + step); the nearest decoder is the nearest and decodes as the
 * model did; the default budget holds the explorer's two models under 60 MB; the
 * schedule stays within its count. Torn and hostile files: test_record_file.c. */
#include <errno.h>
#include <math.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "fileio.h"
#include "half.h"
#include "record.h"
#include "record_fixtures.h"
#include "rng.h"

static char dir[1024];

static void path_in(char *out, size_t n, const char *name) {
    snprintf(out, n, "%s/%s", dir, name);
}

/* ---- round trip ------------------------------------------------------------------------ */

/* a and b hold the same: frames (latents bit for bit), losses, events, curve, decoders. */
static void check_same(const VaeRecording *a, const VaeRecording *b) {
    CHECK(vae_recording_n_frames(a) == vae_recording_n_frames(b));
    CHECK(vae_recording_n_points(a) == vae_recording_n_points(b));
    CHECK(!memcmp(vae_recording_labels(a), vae_recording_labels(b), NP));
    const VaeRecordSetup *sa = vae_recording_setup(a), *sb = vae_recording_setup(b);
    CHECK(!strcmp(sa->name[1], sb->name[1]) && !strcmp(sa->dataset, sb->dataset));
    CHECK(sa->cfg[0].flows == sb->cfg[0].flows && sa->cfg[1].kind == sb->cfg[1].kind);
    float x[NP * 2], y[NP * 2], u[NP * 2], v[NP * 2];
    for (int i = 0; i < vae_recording_n_frames(a) && i < vae_recording_n_frames(b); i++) {
        CHECK(vae_recording_frame_step(a, i) == vae_recording_frame_step(b, i));
        for (int m = 0; m < 2; m++) {
            vae_recording_frame_latents(a, i, m, x, u);
            vae_recording_frame_latents(b, i, m, y, v);
            /* widened halves are equal as bits exactly when the halves are */
            CHECK(!memcmp(x, y, sizeof x) && !memcmp(u, v, sizeof u));
            float pt[2]; /* one image's mu is its row of the frame's */
            vae_recording_frame_point(b, i, m, NP - 1, pt);
            CHECK(!memcmp(pt, y + 2 * (NP - 1), sizeof pt));
            VaeRecordLoss la = vae_recording_frame_loss(a, i, m);
            VaeRecordLoss lb = vae_recording_frame_loss(b, i, m);
            CHECK(!memcmp(&la, &lb, sizeof la));
        }
    }
    CHECK(vae_recording_n_events(a) == vae_recording_n_events(b));
    for (int i = 0; i < vae_recording_n_events(a) && i < vae_recording_n_events(b); i++) {
        const VaeRecordEvent *ea = vae_recording_event(a, i), *eb = vae_recording_event(b, i);
        CHECK(ea->step == eb->step && ea->kind == eb->kind && ea->model == eb->model &&
              ea->value == eb->value);
    }
    CHECK(vae_recording_n_curve(a) == vae_recording_n_curve(b));
    for (int i = 0; i < vae_recording_n_curve(a) && i < vae_recording_n_curve(b); i++) {
        CHECK(vae_recording_curve_step(a, i) == vae_recording_curve_step(b, i));
        VaeRecordLoss la = vae_recording_curve_loss(a, i, 1),
                      lb = vae_recording_curve_loss(b, i, 1);
        CHECK(!memcmp(&la, &lb, sizeof la));
    }
    CHECK(vae_recording_n_decoders(a) == vae_recording_n_decoders(b));
    char err[VAE_ERR_LEN];
    for (int i = 0; i < vae_recording_n_decoders(a) && i < vae_recording_n_decoders(b); i++) {
        CHECK(vae_recording_decoder_step(a, i) == vae_recording_decoder_step(b, i));
        for (int m = 0; m < 2; m++) {
            VaeModel ma, mb;
            CHECK(vae_model_init(&ma, &sa->cfg[m], err) == VAE_OK);
            CHECK(vae_model_init(&mb, &sb->cfg[m], err) == VAE_OK);
            CHECK(vae_recording_decoder(a, i, m, &ma, err) == VAE_OK);
            CHECK(vae_recording_decoder(b, i, m, &mb, err) == VAE_OK);
            CHECK(!memcmp(ma.params, mb.params, ma.n_params * sizeof(float)));
            vae_model_free(&ma), vae_model_free(&mb);
        }
    }
}

static void test_roundtrip(void) {
    VaeRecording *r = tiny_recording(12, 5, 2), *back = NULL;
    if (!r) return;
    fill(r, 300, 7);
    CHECK(vae_recording_n_frames(r) == 12);
    /* the newest frame is the halves of what was given, bit for bit */
    float mu0[NP * 2], lv0[NP * 2], mu1[NP * 2], got[NP * 2];
    uint16_t h[NP * 2];
    make_latents(300, mu0, lv0, mu1);
    vae_f32_to_f16(lv0, h, NP * 2);
    vae_f16_to_f32(h, lv0, NP * 2);
    vae_recording_frame_latents(r, 11, 0, got, NULL);
    CHECK(isnan(got[0]) && isinf(got[1]) && fabsf(got[2] - mu0[2]) <= fabsf(mu0[2]) * 1e-3f);
    vae_recording_frame_latents(r, 11, 0, NULL, got);
    CHECK(!memcmp(got, lv0, sizeof got));
    vae_recording_frame_latents(r, 11, 1, NULL, got);
    CHECK(got[0] == 0 && got[NP * 2 - 1] == 0); /* an AE's logvar reads as zeros */

    char path[1200], err[VAE_ERR_LEN];
    path_in(path, sizeof path, "rt.safetensors");
    CHECK_MSG(vae_recording_save(r, path, err) == VAE_OK, "%s", err);
    CHECK_MSG(vae_recording_load(&back, path, err) == VAE_OK, "%s", err);
    if (back) check_same(r, back);
    /* and again: a reopened recording saves to the same bytes */
    char path2[1200];
    path_in(path2, sizeof path2, "rt2.safetensors");
    CHECK(back && vae_recording_save(back, path2, err) == VAE_OK);
    uint8_t *b1 = NULL, *b2 = NULL;
    size_t n1 = 0, n2 = 0;
    CHECK(vae_file_read_all(path, 1 << 24, &b1, &n1, err) == VAE_OK);
    CHECK(vae_file_read_all(path2, 1 << 24, &b2, &n2, err) == VAE_OK);
    CHECK(n1 == n2 && b1 && b2 && !memcmp(b1, b2, n1));
    free(b1), free(b2);
    vae_recording_destroy(back);

    /* an empty recording saves and reopens too */
    VaeRecording *e = tiny_recording(4, 2, 0);
    CHECK(e && vae_recording_save(e, path, err) == VAE_OK);
    CHECK(vae_recording_load(&back, path, err) == VAE_OK && back &&
          vae_recording_n_frames(back) == 0 && vae_recording_frame_at(back, 5) == -1);
    vae_recording_destroy(back);
    vae_recording_destroy(e);

    /* steps never go back; an equal step replaces the newest */
    CHECK(add_frame(r, 299) == VAE_ERR_ARG);
    CHECK(add_frame(r, 300) == VAE_OK && vae_recording_n_frames(r) == 12);
    VaeRecordEvent bad = {400, VAE_EVENT_KINDS, 0, 1};
    CHECK(vae_recording_add_event(r, &bad, err) == VAE_ERR_ARG);
    vae_recording_destroy(r);
}

/* ---- thinning ---------------------------------------------------------------------------- */

/* Steps kept in the pool after steps 0..T, every one: the first and the last, and gaps in
 * log(1 + step) within 1.6x of even wherever the steps leave room (not between
 * consecutive integers, which cannot be split). */
static void check_spacing(const int64_t *s, int n, int64_t first, int64_t T, const char *what) {
    CHECK_MSG(n >= 2 && s[0] == first && s[n - 1] == T, "%s: first %lld, last %lld", what,
              (long long)s[0], (long long)s[n - 1]);
    int free_gaps = 0;
    int64_t lo = -1;
    double max_gap = 0;
    for (int i = 0; i + 1 < n; i++) {
        if (s[i + 1] - s[i] <= 1) continue;
        if (lo < 0) lo = s[i];
        free_gaps++;
        max_gap = fmax(max_gap, log1p((double)s[i + 1]) - log1p((double)s[i]));
    }
    double even = free_gaps ? (log1p((double)T) - log1p((double)lo)) / free_gaps : 0;
    CHECK_MSG(max_gap <= 1.6 * even, "%s: widest log gap %.3f, even spacing %.3f", what, max_gap,
              even);
}

static void test_thinning(void) {
    VaeRecording *r = tiny_recording(32, 12, 0);
    if (!r) return;
    const int64_t T = 20000;
    char err[VAE_ERR_LEN];
    VaeModel m[2];
    make_models(vae_recording_setup(r), m, 1);
    const VaeModel *mp[2] = {&m[0], &m[1]};
    for (int64_t s = 0; s <= T; s++) {
        add_frame(r, s);
        if (s % 3 == 0 || s == T) vae_recording_add_decoders(r, s, mp, err);
    }
    vae_model_free(&m[0]), vae_model_free(&m[1]);
    int n = vae_recording_n_frames(r), cd;
    vae_recording_capacity(r, NULL, &cd);
    CHECK(n == 32);
    int64_t s[64];
    for (int i = 0; i < n && i < 64; i++)
        s[i] = vae_recording_frame_step(r, i);
    check_spacing(s, n, 0, T, "frames");
    int nd = vae_recording_n_decoders(r);
    CHECK(nd == cd && nd >= 2);
    for (int i = 0; i < nd && i < 64; i++)
        s[i] = vae_recording_decoder_step(r, i);
    check_spacing(s, nd, 0, T, "decoders");
    /* frame_at: the newest at or before a step */
    for (int i = 0; i < n; i++) {
        int64_t at = vae_recording_frame_step(r, i);
        CHECK(vae_recording_frame_at(r, at) == i);
        if (i + 1 < n)
            CHECK(vae_recording_frame_at(r, vae_recording_frame_step(r, i + 1) - 1) == i);
    }
    CHECK(vae_recording_frame_at(r, T + 100) == n - 1);
    vae_recording_destroy(r);

    /* a recording started late (a window's, mid-run): its first step stays too, although
     * its neighbours are the closest in log step of all */
    r = tiny_recording(16, 2, 0);
    if (!r) return;
    for (int64_t st = 5000; st <= T; st++)
        add_frame(r, st);
    n = vae_recording_n_frames(r);
    for (int i = 0; i < n && i < 64; i++)
        s[i] = vae_recording_frame_step(r, i);
    check_spacing(s, n, 5000, T, "frames from step 5000");
    vae_recording_destroy(r);
}

/* ---- decoders ---------------------------------------------------------------------------- */

static void test_decoders(void) {
    VaeRecording *r = tiny_recording(8, 5, 2);
    if (!r) return;
    const VaeRecordSetup *su = vae_recording_setup(r);
    char err[VAE_ERR_LEN];
    const int64_t at[5] = {0, 10, 11, 40, 1000};
    for (int k = 0; k < 5; k++) {
        VaeModel m[2];
        make_models(su, m, (uint64_t)at[k]);
        const VaeModel *mp[2] = {&m[0], &m[1]};
        CHECK(vae_recording_add_decoders(r, at[k], mp, err) == VAE_OK);
        vae_model_free(&m[0]), vae_model_free(&m[1]);
    }
    CHECK(vae_recording_n_decoders(r) == 5);
    for (int64_t s = 0; s <= 1200; s++) { /* against a plain scan: nearest, earlier on ties */
        int best = 0;
        for (int k = 1; k < 5; k++)
            if (llabs(at[k] - s) < llabs(at[best] - s)) best = k;
        int got = vae_recording_nearest_decoder(r, s);
        CHECK_MSG(got == best, "step %lld: decoder %d, want %d", (long long)s, got, best);
    }
    /* decoder 3 decodes as its model did, with its tensors rounded to halves */
    VaeModel orig[2], back;
    make_models(su, orig, 40);
    for (int m = 0; m < 2; m++) {
        CHECK(vae_model_init(&back, &su->cfg[m], err) == VAE_OK);
        CHECK(vae_recording_decoder(r, 3, m, &back, err) == VAE_OK);
        size_t enc = vae_model_encoder_params(&orig[m]), n = orig[m].n_params - enc;
        uint16_t *h = malloc(n * 2);
        vae_f32_to_f16(orig[m].params + enc, h, n);
        vae_f16_to_f32(h, orig[m].params + enc, n);
        free(h);
        float z[6] = {0.5f, -1, 2, 0.25f, -3, 0}, p1[3 * 16], p2[3 * 16];
        VaeWorkspace w1, w2;
        CHECK(vae_workspace_init(&w1, &orig[m], 3, err) == VAE_OK);
        CHECK(vae_workspace_init(&w2, &back, 3, err) == VAE_OK);
        vae_model_decode(&orig[m], &w1, z, NULL, 3, p1);
        vae_model_decode(&back, &w2, z, NULL, 3, p2);
        CHECK(!memcmp(p1, p2, sizeof p1));
        float f1[6], f2[6];
        memcpy(f1, z, sizeof z), memcpy(f2, z, sizeof z);
        vae_flow_apply(&orig[m], f1, 3, NULL);
        vae_flow_apply(&back, f2, 3, NULL);
        CHECK(!memcmp(f1, f2, sizeof f1)); /* the flows too */
        vae_workspace_free(&w1), vae_workspace_free(&w2);
        vae_model_free(&back), vae_model_free(&orig[m]);
    }
    VaeModel wrong;
    VaeConfig c = su->cfg[0];
    c.hidden[0] = 9;
    CHECK(vae_model_init(&wrong, &c, err) == VAE_OK);
    CHECK(vae_recording_decoder(r, 0, 0, &wrong, err) == VAE_ERR_ARG);
    vae_model_free(&wrong);
    vae_recording_destroy(r);
}

/* ---- budget and schedule ------------------------------------------------------------------ */

/* The explorer's VAE and AE of the reference MLP on MNIST's 2,004 test images (and on
 * Fashion's 10,000): the default budget holds a run of any length under 60 MB. */
static void test_budget(void) {
    VaeRecordSetup su;
    memset(&su, 0, sizeof su);
    su.n_models = 2;
    su.cfg[0] = su.cfg[1] = vae_config_default();
    su.cfg[1].kind = VAE_KIND_AE;
    char err[VAE_ERR_LEN], path[1200];
    const int points[2] = {2004, 10000};
    for (int d = 0; d < 2; d++) {
        int n = points[d], cf, cd;
        VaeRecording *r = NULL;
        CHECK(vae_recording_create(&r, &su, NULL, n, NULL, err) == VAE_OK);
        if (!r) return;
        vae_recording_capacity(r, &cf, &cd);
        float *mu = calloc((size_t)n * 2, sizeof *mu);
        const float *mus[2] = {mu, mu}, *lvs[2] = {mu, NULL};
        for (int64_t s = 0; s < cf + 20; s++)
            CHECK(vae_recording_add_frame(r, s * 10, mus, lvs, NULL, err) == VAE_OK);
        VaeModel m[2];
        make_models(&su, m, 5);
        const VaeModel *mp[2] = {&m[0], &m[1]};
        for (int64_t s = 0; s < cd + 3; s++)
            CHECK(vae_recording_add_decoders(r, s * 100, mp, err) == VAE_OK);
        vae_model_free(&m[0]), vae_model_free(&m[1]);
        size_t bytes = vae_recording_bytes(r);
        printf("budget: %d images: %d frames, %d decoders, %.1f MB\n", n, cf, cd, bytes / 1e6);
        CHECK_MSG(bytes <= 60000000, "%zu bytes", bytes);
        CHECK(d == 1 || (cf >= 400 && cd >= 20)); /* MNIST: hundreds of frames, 20 decoders */
        CHECK(d == 0 || cf >= 80);
        if (d == 0) { /* and on disk */
            path_in(path, sizeof path, "budget.safetensors");
            CHECK(vae_recording_save(r, path, err) == VAE_OK);
            struct stat st;
            CHECK(stat(path, &st) == 0 && st.st_size <= 60000000);
            unlink(path);
        }
        free(mu);
        vae_recording_destroy(r);
    }
}

/* Frames due over a run (the one at step 0 is the caller's): at most n, every step at the
 * start, the last one at total. */
static void test_schedule(void) {
    const int64_t totals[4] = {63, 1890, 6300, 1000000};
    const int ns[4] = {5, 30, 100, 40};
    for (int k = 0; k < 4; k++) {
        int count = 1;
        int64_t s = 0, last = 0;
        while ((s = vae_record_next_step(s, totals[k], ns[k])) <= totals[k]) {
            CHECK(s > last);
            if ((k == 1 || k == 2) && count < 4) CHECK(s == count); /* dense at the start */
            last = s;
            count++;
        }
        CHECK_MSG(count <= ns[k] + 1 && last == totals[k], "total %lld, n %d: %d due, last %lld",
                  (long long)totals[k], ns[k], count, (long long)last);
        CHECK(count >= ns[k] / 2);
    }
    CHECK(vae_record_next_step(100, 100, 10) == INT64_MAX);
}

int main(void) {
    snprintf(dir, sizeof dir, "%s/record_test", check_tmpdir());
    if (mkdir(dir, 0755) != 0 && errno != EEXIST) {
        fprintf(stderr, "cannot create %s\n", dir);
        return 1;
    }
    test_roundtrip();
    test_thinning();
    test_decoders();
    test_budget();
    test_schedule();
    return CHECK_DONE();
}
