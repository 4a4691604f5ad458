/* Tiny recordings for test_record and test_record_file: a VAE with planar flows beside an
 * AE on 4x4 images, NP points, latents and models made from the step, so any test can
 * regenerate what was recorded. Include after check.h. */
#ifndef VAE_TEST_RECORD_FIXTURES_H
#define VAE_TEST_RECORD_FIXTURES_H

#include <math.h>
#include <string.h>

#include "check.h"
#include "record.h"
#include "rng.h"

/* A VAE with two planar flows and an AE of the same tiny shape (4x4 images, hidden 8). */
static inline VaeRecordSetup tiny_setup(int flows) {
    VaeRecordSetup su;
    memset(&su, 0, sizeof su);
    su.n_models = 2;
    for (int m = 0; m < 2; m++) {
        VaeConfig *c = &su.cfg[m];
        *c = vae_config_default();
        c->input_h = c->input_w = 4;
        c->n_hidden = 1;
        c->hidden[0] = 8;
        c->kind = m ? VAE_KIND_AE : VAE_KIND_VAE;
        c->flows = m ? 0 : flows;
    }
    snprintf(su.name[0], sizeof su.name[0], "VAE");
    snprintf(su.name[1], sizeof su.name[1], "AE");
    snprintf(su.dataset, sizeof su.dataset, "tiny");
    snprintf(su.split, sizeof su.split, "test");
    return su;
}

#define NP 37 /* images */

/* Latents of step s (mu, logvar of model 0, mu of model 1): a few specials among them. */
static inline void make_latents(int64_t s, float *mu0, float *lv0, float *mu1) {
    VaeRng rng;
    vae_rng_seed(&rng, (uint64_t)s, 3);
    for (int i = 0; i < NP * 2; i++) {
        mu0[i] = vae_rng_normal(&rng) * (float)(1 + s % 5);
        lv0[i] = vae_rng_normal(&rng) - 2;
        mu1[i] = vae_rng_normal(&rng) * 30;
    }
    mu0[0] = NAN, mu0[1] = INFINITY, lv0[0] = 1e-7f, mu1[0] = 1e6f; /* NaN, Inf, tiny, huge */
}

static inline VaeStatus add_frame(VaeRecording *r, int64_t s) {
    float mu0[NP * 2], lv0[NP * 2], mu1[NP * 2];
    make_latents(s, mu0, lv0, mu1);
    const float *mu[2] = {mu0, mu1}, *lv[2] = {lv0, NULL};
    VaeRecordLoss loss[2] = {{100.0f + s, 3.5f, 103.5f + s}, {90.0f - s, 0, 90.0f - s}};
    char err[VAE_ERR_LEN];
    return vae_recording_add_frame(r, s, mu, lv, loss, err);
}

/* Two models of the setup with parameters from seed. */
static inline void make_models(const VaeRecordSetup *su, VaeModel *m, uint64_t seed) {
    char err[VAE_ERR_LEN];
    for (int k = 0; k < 2; k++) {
        CHECK(vae_model_init(&m[k], &su->cfg[k], err) == VAE_OK);
        vae_model_init_params(&m[k], seed * 2 + (uint64_t)k);
    }
}

/* Bytes of halves of all models' decoder (and flow) tensors. */
static inline size_t decoder_bytes(const VaeRecordSetup *su) {
    size_t n = 0;
    char err[VAE_ERR_LEN];
    for (int m = 0; m < su->n_models; m++) {
        VaeModel l;
        CHECK(vae_model_layout(&l, &su->cfg[m], err) == VAE_OK);
        for (int i = 0; i < l.n_info; i++)
            if (l.info[i].offset >= vae_model_encoder_params(&l)) n += l.info[i].size * 2;
    }
    return n;
}

/* A recording of the tiny setup keeping this many frames and decoders. */
static inline VaeRecording *tiny_recording(int frames, int decoders, int flows) {
    VaeRecordSetup su = tiny_setup(flows);
    uint8_t labels[NP];
    for (int i = 0; i < NP; i++)
        labels[i] = (uint8_t)(i * 7 % 10);
    VaeRecording *r = NULL;
    VaeRecordBudget b = {(size_t)frames * NP * 2 * 3 * 2, (size_t)decoders * decoder_bytes(&su)};
    char err[VAE_ERR_LEN];
    CHECK_MSG(vae_recording_create(&r, &su, labels, NP, &b, err) == VAE_OK, "%s", err);
    int cf = 0, cd = 0;
    if (r) vae_recording_capacity(r, &cf, &cd);
    CHECK(cf == frames && cd == (decoders < 2 ? 2 : decoders));
    return r;
}

static inline void fill(VaeRecording *r, int64_t last, int every_dec) {
    const VaeRecordSetup *su = vae_recording_setup(r);
    char err[VAE_ERR_LEN];
    for (int64_t s = 0; s <= last; s++) {
        CHECK(add_frame(r, s) == VAE_OK);
        VaeRecordLoss curve[2] = {{(float)s, 1, (float)s + 1}, {NAN, 0, 2}};
        CHECK(vae_recording_add_loss(r, s, curve, err) == VAE_OK);
        if (s % every_dec == 0 || s == last) {
            VaeModel m[2];
            make_models(su, m, (uint64_t)s);
            const VaeModel *mp[2] = {&m[0], &m[1]};
            CHECK_MSG(vae_recording_add_decoders(r, s, mp, err) == VAE_OK, "%s", err);
            vae_model_free(&m[0]), vae_model_free(&m[1]);
        }
        if (s % 9 == 4) {
            VaeRecordEvent e = {s, (VaeEventKind)(s % VAE_EVENT_KINDS), (int)(s % 3) - 1,
                                0.25f * s};
            CHECK(vae_recording_add_event(r, &e, err) == VAE_OK);
        }
    }
}

#endif
