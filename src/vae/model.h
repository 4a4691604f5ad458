/* The VAE / AE network: configuration, one parameter arena carved into nn.Linear-shaped
 * tensors, and inference (encode, decode) that a render thread can run on an immutable
 * copy of the parameters with its own workspace.
 *
 * Layout, with H = hidden sizes h0..h{n-1}, L = latent, C = classes (cvae only):
 *   encoder  enc.0: in -> h0, ReLU, enc.1: h0 -> h1, ReLU, ...,
 *            enc.mu: h{n-1} -> L, enc.logvar: h{n-1} -> L (not for ae)
 *   decoder  dec.0: L (+C) -> h{n-1}, ReLU, ..., dec.n: h0 -> in (logits)
 * where in = input pixels (+C for cvae). Weights are (out, in) like PyTorch.
 *
 * The conv architecture (Keras's VAE example) puts convolutions around the dense layers:
 *   encoder  enc.conv.0: Conv2d 1 -> 32, 3x3, stride 2, pad 1, ReLU, enc.conv.1: 32 -> 64
 *            (same), ReLU, flattened in PyTorch's (c, h, w) order into F = 64 (H/4) (W/4)
 *            features; then the dense trunk and head as above, with in = F (+C for cvae:
 *            the one-hot follows the flattened features)
 *   decoder  dec.0: L (+C) -> F, ReLU (no hidden dense layers), unflattened to (64, H/4, W/4),
 *            dec.conv.0: ConvTranspose2d 64 -> 64, 3x3, stride 2, pad 1, output pad 1, ReLU,
 *            dec.conv.1: 64 -> 32 (same), ReLU, dec.conv.2: 32 -> 1, 3x3, stride 1, pad 1
 *            (logits).
 * Conv weights are PyTorch's: Conv2d [out, in, kh, kw], ConvTranspose2d [in, out, kh, kw].
 *
 * A pca (pca.h) is the same with no hidden layers and no squashing: enc.mu: in -> L, the
 * projection onto the components, and dec.0: L -> in giving pixel values, not logits. */
#ifndef VAE_MODEL_H
#define VAE_MODEL_H

#include <stddef.h>
#include <stdint.h>

#include "status.h"

#define VAE_MAX_HIDDEN 4
#define VAE_MAX_LATENT 64
#define VAE_MAX_FLOWS 32
#define VAE_MAX_CONV 3 /* conv layers in the encoder or the decoder */
#define VAE_LOGVAR_MIN (-30.0f)
#define VAE_LOGVAR_MAX 20.0f

typedef enum { VAE_KIND_VAE = 0, VAE_KIND_AE, VAE_KIND_CVAE, VAE_KIND_PCA } VaeKind;
typedef enum { VAE_LIK_BERNOULLI = 0, VAE_LIK_GAUSSIAN } VaeLikelihood;
typedef enum { VAE_ARCH_MLP = 0, VAE_ARCH_CONV } VaeArch;

typedef struct {
    VaeKind kind;
    VaeArch arch;               /* mlp (the reference) or conv (Keras's) */
    int input_h, input_w;       /* 28, 28 */
    int latent;                 /* 2 */
    int n_hidden;               /* 2 (conv: 1; 0 for a pca, and only for it) */
    int hidden[VAE_MAX_HIDDEN]; /* 512, 256 (conv: the encoder's dense 16) */
    int classes;                /* number of labels (one-hot width for cvae) */
    int flows;                  /* planar flows after the sample (0 = none) */
    VaeLikelihood likelihood;
} VaeConfig;

/* The reference architecture of SPEC §4. */
VaeConfig vae_config_default(void);
/* The architecture and its default hidden sizes (512,256 for mlp, 16 for conv). */
void vae_config_set_arch(VaeConfig *c, VaeArch a);
/* Check ranges; err names the offending field. */
VaeStatus vae_config_check(const VaeConfig *c, char err[VAE_ERR_LEN]);
const char *vae_kind_name(VaeKind k);
/* Whether the kind encodes to a distribution (enc.logvar; a prior, a KL): vae and cvae. An
 * AE and a pca encode to a point. */
int vae_kind_is_stochastic(VaeKind k);
const char *vae_likelihood_name(VaeLikelihood l);
const char *vae_arch_name(VaeArch a);
int vae_arch_parse(const char *s, VaeArch *a); /* "mlp" or "conv"; 1 on success */
int vae_kind_parse(const char *s, VaeKind *k); /* 1 on success */
int vae_likelihood_parse(const char *s, VaeLikelihood *l);
/* "planar:K" (K in 0..VAE_MAX_FLOWS), "planar" (= planar:4) or "none" -> *k flows; 1 on
 * success. The --flow flag of `vae train` and the explorer. */
int vae_flow_parse(const char *s, int *k);
/* "512,256" -> n_hidden/hidden, "none" -> no hidden layer (a pca's); 1 on success */
int vae_hidden_parse(const char *s, VaeConfig *c);
void vae_hidden_format(const VaeConfig *c, char *buf, size_t len);

/* One nn.Linear: offsets (in floats) of weight (out, in) and bias (out) in the arena. */
typedef struct {
    int in, out;
    size_t w, b;
} VaeLinear;

/* The geometry of a Conv2d or ConvTranspose2d (square kernel, the same stride and padding
 * on both axes), from the convolution's side: the "image" side (c, h, w) is a Conv2d's
 * input and a ConvTranspose2d's output, the "patch" side (oc, oh, ow) a Conv2d's output and
 * a ConvTranspose2d's input. The weight is (oc, c, k, k) for both, as PyTorch stores them. */
typedef struct {
    int c, h, w;    /* image side */
    int oc, oh, ow; /* patch side: oh = (h + 2 pad - k) / stride + 1 */
    int k, stride, pad;
} VaeConvShape;

/* One conv layer: its shape and the offsets of weight (oc, c, k, k) and bias (oc for a
 * Conv2d, c for a ConvTranspose2d) in the arena. */
typedef struct {
    VaeConvShape s;
    int transposed;
    size_t w, b;
} VaeConvLayer;

/* A named tensor of the arena, for checkpoints (PyTorch state_dict names). */
typedef struct {
    char name[32];
    int ndim;
    int shape[4];
    size_t offset, size;
} VaeParamInfo;

/* "[32, 1, 3, 3]" */
void vae_param_shape_format(const VaeParamInfo *p, char *buf, size_t len);

#define VAE_MAX_PARAMS (4 * (2 * VAE_MAX_HIDDEN + 3) + 4 * VAE_MAX_CONV + 3 * VAE_MAX_FLOWS)

typedef struct {
    VaeConfig cfg;
    int n_in;     /* pixels */
    int feat;     /* what the dense trunk reads: pixels (mlp), flattened conv features (conv) */
    int enc_in;   /* feat (+classes for cvae) */
    int dec_in;   /* latent (+classes for cvae) */
    int head_out; /* 2 * latent (mu rows then logvar rows, contiguous), latent for ae */
    int n_enc;    /* hidden layers of the encoder trunk (= n_hidden) */
    int n_dec;    /* dense layers of the decoder, the last producing logits (= n_hidden + 1),
                     or for conv the features (1) */
    int n_econv, n_dconv; /* conv layers of the encoder (before the trunk), decoder (after) */
    VaeConvLayer econv[VAE_MAX_CONV], dconv[VAE_MAX_CONV];
    VaeLinear enc[VAE_MAX_HIDDEN];
    VaeLinear head; /* enc.mu and enc.logvar stored back to back: one (2L, H) product */
    VaeLinear dec[VAE_MAX_HIDDEN + 1];
    size_t flow_u, flow_w, flow_b; /* planar flows: u (K, L), w (K, L), b (K) */
    int n_info;
    VaeParamInfo info[VAE_MAX_PARAMS];
    size_t n_params;
    float *params; /* the arena (64-byte aligned), inside block */
    void *block;   /* the allocation, owned */
} VaeModel;

/* Lay out the arena for cfg and allocate it (zeroed). */
VaeStatus vae_model_init(VaeModel *m, const VaeConfig *cfg, char err[VAE_ERR_LEN]);
/* The layout only (sizes, offsets, tensor names), nothing allocated: params is NULL and
 * vae_model_free is not needed. For validating a file's shapes before trusting them. */
VaeStatus vae_model_layout(VaeModel *m, const VaeConfig *cfg, char err[VAE_ERR_LEN]);
void vae_model_free(VaeModel *m);
/* PyTorch nn.Linear default init: U(-1/sqrt(in), 1/sqrt(in)) for weight and bias. */
void vae_model_init_params(VaeModel *m, uint64_t seed);
/* The arena's leading floats that encoding reads (encoder trunk and head; the decoder
 * and flows follow): copying these into a fresh model is enough for vae_model_encode. */
size_t vae_model_encoder_params(const VaeModel *m);
/* Deep copy (same config, new arena). */
VaeStatus vae_model_clone(VaeModel *dst, const VaeModel *src, char err[VAE_ERR_LEN]);

/* Scratch for inference on up to max_batch rows; one per thread. */
typedef struct {
    int max_batch;
    float *x;                     /* (B, enc_in) */
    float *h[VAE_MAX_HIDDEN];     /* (B, hidden[i]) */
    float *head;                  /* (B, head_out) */
    float *zin;                   /* (B, dec_in) */
    float *g[VAE_MAX_HIDDEN + 1]; /* decoder dense outputs but the logits (conv: all) */
    float *logits;                /* (B, n_in) */
    /* conv only (else NULL): activations in CNHW layout (conv.h), after their ReLU */
    float *ea[VAE_MAX_CONV]; /* encoder conv outputs */
    float *da[VAE_MAX_CONV]; /* decoder conv inputs: da[0] the features unflattened */
    float *cols;             /* im2col scratch of cols_cap floats */
    size_t cols_cap;
} VaeWorkspace;

VaeStatus vae_workspace_init(VaeWorkspace *ws, const VaeModel *m, int max_batch,
                             char err[VAE_ERR_LEN]);
/* Scratch for vae_model_encode only: no decoder buffers (and no input copy unless cvae
 * appends labels), about half the size. Never pass it to a decode. */
VaeStatus vae_workspace_init_encoder(VaeWorkspace *ws, const VaeModel *m, int max_batch,
                                     char err[VAE_ERR_LEN]);
void vae_workspace_free(VaeWorkspace *ws);

/* Encode b images (b, n_in) in [0,1]. mu and logvar are (b, latent); logvar may be NULL,
 * and for ae it is filled with zeros. labels (b) needed for cvae, else may be NULL.
 * b may exceed ws->max_batch: it runs in chunks. */
void vae_model_encode(const VaeModel *m, VaeWorkspace *ws, const float *x, const uint8_t *labels,
                      int b, float *mu, float *logvar);
/* Decode b latent points z (b, latent) into probabilities (b, n_in) = sigmoid(logits), a
 * pca's pixel values clipped into [0, 1]: what to show. labels needed for cvae. For flows
 * the caller passes z after the flow. */
void vae_model_decode(const VaeModel *m, VaeWorkspace *ws, const float *z, const uint8_t *labels,
                      int b, float *probs);

/* Multiply-adds x 2 of decoding one latent point: what a decode costs, for budgets (the conv
 * decoder costs about ten times the reference MLP's). */
double vae_model_decode_flops(const VaeModel *m);

/* The same, leaving the decoder's logits (b, n_in) instead of probabilities; for a pca its
 * pixel values, unclipped (what scores it). */
void vae_model_decode_logits(const VaeModel *m, VaeWorkspace *ws, const float *z,
                             const uint8_t *labels, int b, float *logits);

/* Planar flows on a batch: z_k = z_{k-1} + u_hat * tanh(w . z_{k-1} + b). Writes the flowed
 * z (b, L) in place and adds sum_k log|det J_k| per row into logdet (b) if non-NULL.
 * Does nothing without flows. (flow.c; the training kernels are in flow.h.) */
void vae_flow_apply(const VaeModel *m, float *z, int b, float *logdet);

/* n samples of one image's posterior: z0 = mu + sigma * eps (the Gaussian q0(z|x)) and zk,
 * the same samples pushed through the flows (the decoder's input; == z0 without flows).
 * x (n_in) in [0, 1]; label used by cvae; z0 (n, L) may be NULL, zk (n, L). The same seed
 * gives the same samples, so a front end can redraw them every frame without flicker.
 * For an AE every sample is mu. ws needs max_batch >= 1. */
void vae_model_posterior_samples(const VaeModel *m, VaeWorkspace *ws, const float *x, uint8_t label,
                                 int n, uint64_t seed, float *z0, float *zk);
/* The same from the posterior's mu and logvar (L each, as vae_model_encode gives them),
 * without the encoder: only the flows' parameters are read. */
void vae_model_posterior_samples_from(const VaeModel *m, const float *mu, const float *logvar,
                                      int n, uint64_t seed, float *z0, float *zk);

#endif
