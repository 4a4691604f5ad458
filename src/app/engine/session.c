/* The explorer's session (see session.h): data, checkpoints, and the trainer or the one
 * snapshot of the checkpoints. */
#include "session.h"

#include <math.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "clock.h"
#include "latents.h"
#include "pca.h"
#include "replay.h"
#include "sizes.h"

static int failf(char *err, int len, const char *what, const char *detail) {
    snprintf(err, (size_t)len, "%s%s", what, detail);
    return -1;
}

static int is_dir(const char *p) {
    struct stat st;
    return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

/* The mean over the shown images of the summed pixel entropies (see bce_floor). */
static double bce_floor(const VaeSplit *sp) {
    double h[256];
    for (int v = 0; v < 256; v++) {
        double x = v / 255.0;
        h[v] = v == 0 || v == 255 ? 0 : -x * log(x) - (1 - x) * log(1 - x);
    }
    double sum = 0;
    size_t n = (size_t)sp->n * (size_t)sp->rows * (size_t)sp->cols;
    for (size_t i = 0; i < n; i++)
        sum += h[sp->images[i]];
    return sp->n > 0 ? sum / sp->n : 0;
}

/* The built-in dataset to open: a recording's own (when built in), else --dataset. */
static const char *dataset_name(const AppSession *s, const AppOptions *o) {
    if (!s->recorder.rec) return o->dataset;
    const char *d = vae_recording_setup(s->recorder.rec)->dataset;
    return !strcmp(d, "mnist") || !strcmp(d, "fashion") ? d : o->dataset;
}

static int open_data(AppSession *s, const AppOptions *o, char *err, int err_len) {
    char dirbuf[1200], e[VAE_ERR_LEN];
    const char *dir = o->data_dir, *name = dataset_name(s, o);
    if (!dir && vae_dataset_find(name, dirbuf, sizeof dirbuf, e) != VAE_OK)
        return failf(err, err_len, e, "");
    if (!dir) dir = dirbuf;
    if (!is_dir(dir)) return failf(err, err_len, dir, ": no such data directory");
    if (vae_dataset_load(&s->ds, dir, e) != VAE_OK) return failf(err, err_len, e, "");
    if (!o->data_dir) vae_dataset_set_name(&s->ds, name);
    s->shown = o->scatter_train ? &s->ds.train : &s->ds.test;
    s->rows = s->ds.test.rows, s->cols = s->ds.test.cols, s->pixels = s->rows * s->cols;
    s->bce_floor = bce_floor(s->shown);
    if (s->pixels > APP_PIXELS_MAX || s->ds.test.n < 1) {
        snprintf(err, (size_t)err_len,
                 "%s: images of %dx%d are not supported (at most %d pixels, 1+ test images)", dir,
                 s->rows, s->cols, APP_PIXELS_MAX);
        return -1;
    }
    return 0;
}

/* A checkpoint the window can show: its images' size, classes and a latent plane. */
static int check_model(const AppSession *s, const VaeModel *m, const char *path, char *err,
                       int err_len) {
    const VaeConfig *c = &m->cfg;
    if (c->input_h != s->rows || c->input_w != s->cols)
        snprintf(err, (size_t)err_len, "%s: the model takes %dx%d images, the data has %dx%d", path,
                 c->input_h, c->input_w, s->rows, s->cols);
    else if (c->kind == VAE_KIND_CVAE && c->classes < s->ds.classes)
        snprintf(err, (size_t)err_len, "%s: the model knows %d classes, the data has %d", path,
                 c->classes, s->ds.classes);
    else if (c->latent < 2)
        snprintf(err, (size_t)err_len,
                 "%s: the explorer needs a latent space of 2 or more dimensions", path);
    else
        return 0;
    return -1;
}

/* The checkpoints: every --model in order, then --ae-model (the second model: beside a
 * fresh VAE when there is no --model). */
static int open_models(AppSession *s, const AppOptions *o, char *err, int err_len) {
    const char *paths[APP_MAX_MODELS] = {NULL};
    int n = 0;
    for (int i = 0; i < o->n_models; i++)
        paths[n++] = o->models[i];
    if (o->ae_path) n = n ? n : 1, paths[n++] = o->ae_path;
    char e[VAE_ERR_LEN];
    for (int m = 0; m < n; m++) {
        if (!paths[m]) continue;
        if (vae_checkpoint_load(paths[m], &s->loaded[m], &s->loaded_meta[m], e) != VAE_OK)
            return failf(err, err_len, e, "");
        s->has_loaded[m] = 1, s->n_loaded = m + 1;
        if (check_model(s, &s->loaded[m], paths[m], err, err_len) != 0) return -1;
    }
    if (o->ae_path && s->loaded[n - 1].cfg.kind != VAE_KIND_AE)
        fprintf(stderr, "vae-explorer: note: --ae-model %s is a %s, shown in the AE pane\n",
                o->ae_path, vae_kind_name(s->loaded[n - 1].cfg.kind));
    return 0;
}

/* --replay FILE: the recording, checked against the images it was made on. */
static int open_replay(AppSession *s, const AppOptions *o, char *err, int err_len) {
    char e[VAE_ERR_LEN];
    VaeRecording *r;
    if (vae_recording_load(&r, o->replay, e) != VAE_OK) return failf(err, err_len, e, "");
    s->recorder.rec = r;
    const VaeRecordSetup *su = vae_recording_setup(r);
    if (su->n_models > APP_MAX_MODELS)
        snprintf(err, (size_t)err_len, "%s: %d models recorded, the window shows at most %d",
                 o->replay, su->n_models, APP_MAX_MODELS);
    else if (vae_recording_n_frames(r) < 1)
        snprintf(err, (size_t)err_len, "%s: no frames recorded", o->replay);
    else
        return 0;
    return -1;
}

/* The recording's images must be the ones shown (their count and labels). */
static int check_replay(AppSession *s, const AppOptions *o, char *err, int err_len) {
    const VaeRecording *r = s->recorder.rec;
    const VaeRecordSetup *su = vae_recording_setup(r);
    int n = vae_recording_n_points(r);
    if (n == s->shown->n && !memcmp(vae_recording_labels(r), s->shown->labels, (size_t)n)) {
        for (int m = 0; m < su->n_models; m++)
            if (su->cfg[m].input_h != s->rows || su->cfg[m].input_w != s->cols ||
                su->cfg[m].latent < 2)
                return failf(err, err_len, o->replay,
                             ": its models do not take this data's images on a plane");
        return 0;
    }
    snprintf(err, (size_t)err_len,
             "%s: recorded on %d images of %s's %s split; the data shows %d others (--data, "
             "--dataset, --scatter)",
             o->replay, n, su->dataset, su->split, s->shown->n);
    return -1;
}

/* --pca: the PCA of the training split with the first model's latent size, after the
 * models (training: after the VAE and the AE at least), as if loaded from a checkpoint. */
static int fit_pca(AppSession *s, const AppOptions *o, char *err, int err_len) {
    int slot = o->no_train || s->n_loaded > 2 ? s->n_loaded : 2;
    int latent = s->has_loaded[0] ? s->loaded[0].cfg.latent : o->cfg.latent;
    if (slot >= APP_MAX_MODELS) return failf(err, err_len, "--pca: no room for another model", "");
    char e[VAE_ERR_LEN];
    double t0 = vae_now();
    if (vae_pca_fit(&s->loaded[slot], &s->ds.train, latent, s->ds.classes, NULL, e) != VAE_OK)
        return failf(err, err_len, "--pca: ", e);
    s->has_loaded[slot] = 1, s->n_loaded = slot + 1;
    s->loaded_meta[slot] = (VaeCkptMeta){0.0f, "", 0, 0, 0};
    snprintf(s->loaded_meta[slot].dataset, sizeof s->loaded_meta[slot].dataset, "%s", s->ds.name);
    fprintf(stderr, "vae-explorer: PCA of %d training images, %d components, in %.2f s\n",
            s->ds.train.n, latent, vae_now() - t0);
    return 0;
}

/* Whether any model trains: a fresh one, or a checkpoint that is not a PCA (PCAs alone are
 * shown as they are). */
static int trains_any(const AppSession *s) {
    int any = s->n_loaded == 0;
    for (int m = 0; m < s->n_loaded; m++)
        any |= !s->has_loaded[m] || s->loaded[m].cfg.kind != VAE_KIND_PCA;
    return any;
}

int app_session_open(AppSession *s, const AppOptions *o, char *err, int err_len) {
    memset(s, 0, sizeof *s);
    app_box_init(&s->box);
    if (app_recorder_init(&s->recorder) != 0) return failf(err, err_len, "cannot make a lock", "");
    if (o->replay && open_replay(s, o, err, err_len) != 0) return -1;
    if (open_data(s, o, err, err_len) != 0) return -1;
    int batch = o->tc.batch > 0 ? o->tc.batch : 128;
    s->steps_per_epoch = (s->ds.train.n + batch - 1) / batch;
    if (o->replay) {
        s->recording = 1;
        return check_replay(s, o, err, err_len);
    }
    if (o->model_path && o->shape_flag)
        return failf(
            err, err_len,
            "--kind, --arch, --hidden, --latent, --likelihood and --flow shape a fresh model; "
            "with --model the checkpoint's are used (drop them)",
            "");
    if (open_models(s, o, err, err_len) != 0) return -1;
    if (o->pca && fit_pca(s, o, err, err_len) != 0) return -1;
    s->recording = !o->no_train && !o->no_record && trains_any(s);
    return 0;
}

/* The models to train: the checkpoints (a PCA among them stays as it is), a fresh VAE
 * from the flags in the first place if none is loaded there, and in the second an AE of the
 * first model's shape and likelihood without flows. */
static int training_models(AppSession *s, const AppOptions *o, AppTrainerConfig *tc, char *err,
                           int err_len) {
    int first = s->has_loaded[0] && s->loaded[0].cfg.kind != VAE_KIND_PCA;
    VaeConfig base = first ? s->loaded[0].cfg : o->cfg;
    if (!first) {
        base.input_h = s->rows, base.input_w = s->cols;
        base.classes = s->ds.classes;
    }
    tc->n_models = s->n_loaded > 2 ? s->n_loaded : 2;
    for (int m = 0; m < tc->n_models; m++) {
        tc->cfg[m] = s->has_loaded[m] ? s->loaded[m].cfg : base;
        tc->init[m] = s->has_loaded[m] ? &s->loaded[m] : NULL;
        if (m > 0 && !s->has_loaded[m]) tc->cfg[m].kind = VAE_KIND_AE, tc->cfg[m].flows = 0;
    }
    char e[VAE_ERR_LEN];
    for (int m = 0; m < tc->n_models; m++)
        if (vae_config_check(&tc->cfg[m], e) != VAE_OK) return failf(err, err_len, e, "");
    return 0;
}

static int start_training(AppSession *s, const AppOptions *o, char *err, int err_len) {
    AppTrainerConfig tc;
    memset(&tc, 0, sizeof tc);
    if (training_models(s, o, &tc, err, err_len) != 0) return -1;
    tc.tc = o->tc;
    if (s->has_loaded[0] && !o->beta_set && vae_kind_is_stochastic(s->loaded[0].cfg.kind) &&
        s->loaded_meta[0].beta > 0)
        tc.tc.beta = s->loaded_meta[0].beta; /* carry on as the checkpoint was trained */
    tc.ds = &s->ds;
    tc.shown = s->shown;
    tc.epochs = o->epochs;
    tc.tc.threads = o->threads; /* data-parallel shards of each batch, as `vae train` */
    if (s->recording) {
        tc.recorder = &s->recorder;
        atomic_store(&s->recorder.live, 1);
    }
    s->trainer = app_trainer_start(&tc, &s->box, err, err_len);
    if (!s->trainer) return -1;
    s->n_models = tc.n_models;
    for (int i = 0; i < o->n_forks; i++) /* --fork: made by the trainer soon */
        if (app_trainer_fork(s->trainer, o->forks[i]) >= 0) s->n_models++;
    return 0;
}

/* --no-train: one snapshot of the checkpoints, whole (encoders too: S saves from it). */
static int publish_checkpoints(AppSession *s, const AppOptions *o, char *err, int err_len) {
    s->n_models = s->n_loaded;
    const VaeModel *models[APP_MAX_MODELS];
    for (int m = 0; m < s->n_loaded; m++)
        models[m] = &s->loaded[m];
    char e[VAE_ERR_LEN] = "out of memory building the snapshot";
    AppSnapshot *snap = app_box_acquire(&s->box);
    VaeSplitEncoder *enc = NULL;
    int ok = snap && app_snapshot_set_models(snap, models, s->n_models, s->shown->n, 1) == 0 &&
             vae_split_encoder_create(&enc, models, s->n_models, s->shown, o->threads, e) == VAE_OK;
    if (!ok) {
        vae_split_encoder_destroy(enc);
        app_box_discard(&s->box, snap);
        return failf(err, err_len, e, "");
    }
    vae_split_encode(enc, models, snap->mu, snap->lv, snap->lstats);
    vae_split_encoder_destroy(enc);
    const VaeCkptMeta *meta = &s->loaded_meta[0];
    snap->seq = 1;
    snap->step = meta->step;
    snap->epoch = meta->epoch;
    for (int m = 0; m < s->n_models; m++) {
        snap->info[m].beta = snap->info[m].beta_eff = s->loaded_meta[m].beta;
        snap->info[m].fork_of = -1; /* checkpoints are nobody's forks (0 made them model 0's) */
    }
    snap->latents_step = snap->step;
    snap->latents_seq = snap->seq;
    snap->paused = 1;
    AppSnapshot *unread;
    app_box_publish(&s->box, snap, &unread);
    return 0;
}

/* --replay: the recording's last frame, as if a trainer had just published it (the
 * replay tool scrubs back from there). */
static int publish_replay(AppSession *s, char *err, int err_len) {
    const VaeRecording *r = s->recorder.rec;
    s->n_models = vae_recording_setup(r)->n_models;
    AppPast past = {0};
    past.snap = app_box_acquire(&s->box);
    char e[VAE_ERR_LEN] = "out of memory building the snapshot";
    if (!past.snap ||
        app_past_build(&past, r, 0, vae_recording_n_frames(r) - 1, NULL, s->steps_per_epoch, e)) {
        app_box_discard(&s->box, past.snap);
        past.snap = NULL;
        app_past_free(&past);
        return failf(err, err_len, e, "");
    }
    AppSnapshot *snap = past.snap, *unread;
    past.snap = NULL; /* the box's */
    app_past_free(&past);
    snap->seq = snap->latents_seq = 1;
    snap->paused = 1;
    app_box_publish(&s->box, snap, &unread);
    return 0;
}

int app_session_start(AppSession *s, const AppOptions *o, char *err, int err_len) {
    return o->replay                       ? publish_replay(s, err, err_len)
           : o->no_train || !trains_any(s) ? publish_checkpoints(s, o, err, err_len)
                                           : start_training(s, o, err, err_len);
}

void app_session_close(AppSession *s) {
    app_trainer_stop(s->trainer); /* joined before anything it reads is freed */
    s->trainer = NULL;
    app_box_destroy(&s->box);
    app_recorder_free(&s->recorder);
    for (int m = 0; m < APP_MAX_MODELS; m++)
        if (s->has_loaded[m]) vae_model_free(&s->loaded[m]);
    vae_dataset_free(&s->ds);
}
