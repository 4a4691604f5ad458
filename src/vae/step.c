/* Forward and backward of the negative ELBO (or the AE's reconstruction loss) over one
 * minibatch: encoder trunk, (mu, logvar) head, reparameterised sample, decoder, loss. */
#include "step.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "conv.h"
#include "flow.h"
#include "nn.h"

static int max_width(const VaeModel *m) {
    int w = m->enc_in > m->n_in ? m->enc_in : m->n_in;
    if (m->dec_in > w) w = m->dec_in;
    if (m->head_out > w) w = m->head_out;
    for (int i = 0; i < m->cfg.n_hidden; i++)
        if (m->cfg.hidden[i] > w) w = m->cfg.hidden[i];
    if (m->feat > w) w = m->feat;
    if (vae_conv_max_width(m) > w) w = vae_conv_max_width(m);
    return w;
}

VaeStatus vae_step_buffers_init(VaeStepBuffers *sb, const VaeModel *m, int max_batch,
                                char err[VAE_ERR_LEN]) {
    memset(sb, 0, sizeof *sb);
    VaeStatus s = vae_workspace_init(&sb->ws, m, max_batch, err);
    if (s != VAE_OK) return s;
    size_t B = (size_t)max_batch, L = (size_t)m->cfg.latent, D = (size_t)m->n_in;
    size_t K = (size_t)m->cfg.flows, W = (size_t)max_width(m);
    sb->max_batch = max_batch;
    int ok = 1;
    ok &= (sb->x = malloc(sizeof(float) * B * D)) != NULL;
    ok &= (sb->xmask = malloc(sizeof(float) * B * D)) != NULL;
    if (m->cfg.arch == VAE_ARCH_CONV) {
        ok &= (sb->ximg = malloc(sizeof(float) * B * D)) != NULL;
        ok &= (sb->dfeat = malloc(sizeof(float) * B * W)) != NULL;
    }
    ok &= (sb->eps = malloc(sizeof(float) * B * L)) != NULL;
    ok &= (sb->zmask = malloc(sizeof(float) * B * L)) != NULL;
    ok &= (sb->z0 = malloc(sizeof(float) * B * L)) != NULL;
    ok &= (sb->zk = malloc(sizeof(float) * B * L)) != NULL;
    ok &= (sb->dlogits = malloc(sizeof(float) * B * D)) != NULL;
    ok &= (sb->d0 = malloc(sizeof(float) * B * W)) != NULL;
    ok &= (sb->d1 = malloc(sizeof(float) * B * W)) != NULL;
    ok &= (sb->row_recon = malloc(sizeof(double) * B)) != NULL;
    ok &= (sb->row_kl = malloc(sizeof(double) * B)) != NULL;
    ok &= (sb->row_logdet = malloc(sizeof(double) * B)) != NULL;
    if (K > 0) {
        ok &= (sb->flow_z = malloc(sizeof(float) * B * K * L)) != NULL;
        ok &= (sb->flow_th = malloc(sizeof(float) * B * K)) != NULL;
        ok &= (sb->flow_uhat = malloc(sizeof(float) * K * L)) != NULL;
        ok &= (sb->flow_q = malloc(sizeof(float) * K)) != NULL;
        ok &= (sb->flow_dz = malloc(sizeof(float) * B * L)) != NULL;
        ok &= (sb->flow_duhat = malloc(sizeof(float) * K * L)) != NULL;
        ok &= (sb->flow_dq = malloc(sizeof(float) * K)) != NULL;
    }
    if (!ok) {
        vae_step_buffers_free(sb);
        return vae_fail(err, VAE_ERR_NOMEM, "cannot allocate training buffers for batch %d",
                        max_batch);
    }
    return VAE_OK;
}

void vae_step_buffers_free(VaeStepBuffers *sb) {
    if (!sb) return;
    vae_workspace_free(&sb->ws);
    free(sb->x);
    free(sb->xmask);
    free(sb->ximg);
    free(sb->dfeat);
    free(sb->eps);
    free(sb->zmask);
    free(sb->z0);
    free(sb->zk);
    free(sb->dlogits);
    free(sb->d0);
    free(sb->d1);
    free(sb->row_recon);
    free(sb->row_kl);
    free(sb->row_logdet);
    free(sb->flow_z);
    free(sb->flow_th);
    free(sb->flow_uhat);
    free(sb->flow_q);
    free(sb->flow_dz);
    free(sb->flow_duhat);
    free(sb->flow_dq);
    memset(sb, 0, sizeof *sb);
}

static float clampf(float v, float lo, float hi) {
    return v < lo ? lo : v > hi ? hi : v;
}

void vae_step_forward(const VaeModel *m, VaeStepBuffers *sb, const uint8_t *labels, int b,
                      const VaeLossParams *lp, VaeLossValues *out) {
    const float *p = m->params;
    VaeWorkspace *ws = &sb->ws;
    const int L = m->cfg.latent, D = m->n_in, HO = m->head_out, K = m->cfg.flows;
    const int cvae = m->cfg.kind == VAE_KIND_CVAE, ae = m->cfg.kind == VAE_KIND_AE;
    const int drop = lp->dropout > 0.0f;

    /* encoder input: the batch itself, unless dropout or the one-hot needs a copy */
    const float *in = sb->x;
    if (m->cfg.arch == VAE_ARCH_CONV) {
        const float *img = sb->x;
        if (drop) {
            for (size_t i = 0; i < (size_t)b * D; i++)
                sb->ximg[i] = sb->x[i] * sb->xmask[i];
            img = sb->ximg;
        }
        vae_conv_encode(m, ws, img, b);
        for (int r = 0; r < b && cvae; r++) {
            float *dst = ws->x + (size_t)r * m->enc_in + m->feat;
            memset(dst, 0, sizeof(float) * (size_t)m->cfg.classes);
            dst[labels[r]] = 1.0f;
        }
        in = ws->x;
    } else if (drop || cvae) {
        for (int r = 0; r < b; r++) {
            float *dst = ws->x + (size_t)r * m->enc_in;
            const float *src = sb->x + (size_t)r * D, *mk = sb->xmask + (size_t)r * D;
            if (drop)
                for (int i = 0; i < D; i++)
                    dst[i] = src[i] * mk[i];
            else
                memcpy(dst, src, sizeof(float) * (size_t)D);
            if (cvae) {
                memset(dst + D, 0, sizeof(float) * (size_t)m->cfg.classes);
                dst[D + labels[r]] = 1.0f;
            }
        }
        in = ws->x;
    }
    for (int i = 0; i < m->n_enc; i++) {
        const VaeLinear *l = &m->enc[i];
        vae_linear_forward(ws->h[i], in, p + l->w, p + l->b, b, l->in, l->out);
        vae_relu_forward(ws->h[i], (size_t)b * l->out);
        in = ws->h[i];
    }
    vae_linear_forward(ws->head, in, p + m->head.w, p + m->head.b, b, m->head.in, HO);

    /* z = mu + exp(logvar / 2) * eps (z = mu for the AE); the clamped logvar is kept in
     * the head buffer, and the backward pass zeroes gradients where it was clamped. */
    for (int r = 0; r < b; r++) {
        float *h = ws->head + (size_t)r * HO;
        float *z = sb->z0 + (size_t)r * L, *zin = ws->zin + (size_t)r * m->dec_in;
        const float *e = sb->eps + (size_t)r * L, *zm = sb->zmask + (size_t)r * L;
        for (int j = 0; j < L; j++) {
            if (ae) {
                z[j] = h[j];
            } else {
                h[L + j] = clampf(h[L + j], VAE_LOGVAR_MIN, VAE_LOGVAR_MAX);
                z[j] = h[j] + expf(0.5f * h[L + j]) * e[j];
            }
            zin[j] = drop ? z[j] * zm[j] : z[j];
        }
        if (cvae) {
            memset(zin + L, 0, sizeof(float) * (size_t)m->cfg.classes);
            zin[L + labels[r]] = 1.0f;
        }
    }
    memcpy(sb->zk, sb->z0, sizeof(float) * (size_t)b * L);
    if (K > 0) { /* the decoder (and dropout) take z_K instead */
        vae_flow_prepare(m, sb->flow_uhat, sb->flow_q);
        memset(sb->row_logdet, 0, sizeof(double) * (size_t)b);
        vae_flow_forward(m, sb->flow_uhat, sb->flow_q, sb->zk, b, sb->flow_z, sb->flow_th,
                         sb->row_logdet);
        for (int r = 0; r < b; r++) {
            const float *z = sb->zk + (size_t)r * L, *zm = sb->zmask + (size_t)r * L;
            float *zin = ws->zin + (size_t)r * m->dec_in;
            for (int j = 0; j < L; j++)
                zin[j] = drop ? z[j] * zm[j] : z[j];
        }
    }

    in = ws->zin;
    const int conv = m->cfg.arch == VAE_ARCH_CONV;
    for (int i = 0; i < m->n_dec; i++) {
        const VaeLinear *l = &m->dec[i];
        int last = i == m->n_dec - 1;
        float *o = last && !conv ? ws->logits : ws->g[i];
        vae_linear_forward(o, in, p + l->w, p + l->b, b, l->in, l->out);
        if (!last || conv) vae_relu_forward(o, (size_t)b * l->out);
        in = o;
    }
    if (conv) vae_conv_decode(m, ws, b, ws->logits);

    /* loss: gradients of the batch mean are computed here too (cheap, same pass) */
    float scale = 1.0f / (float)(lp->batch_total > 0 ? lp->batch_total : b);
    if (m->cfg.likelihood == VAE_LIK_GAUSSIAN)
        vae_mse_sigmoid(ws->logits, sb->x, b, D, sb->row_recon, sb->dlogits, scale);
    else
        vae_bce_logits(ws->logits, sb->x, b, D, sb->row_recon, sb->dlogits, scale);
    double recon = 0.0, kl = 0.0, kl_used = 0.0;
    for (int r = 0; r < b; r++)
        recon += sb->row_recon[r];
    if (!ae) {
        vae_kl_forward(ws->head, ws->head + L, b, L, HO, sb->row_kl, sb->dim_kl);
        for (int j = 0; j < L; j++) {
            kl += sb->dim_kl[j];
            double mean_j = sb->dim_kl[j] / b;
            kl_used += mean_j < lp->free_bits ? lp->free_bits : mean_j;
        }
    }
    if (K > 0) {
        /* KL(q_K || p) = E[log q0(z_0) - log p(z_0)] + E[log p(z_0) - sum_k log|det J_k| -
         * log p(z_K)]: the first part in closed form (above), the flows' correction from the
         * one sample. Unbiased like the plain single-sample estimate, with less variance, and
         * exactly the plain VAE's KL while the flows are the identity. */
        double corr = 0.0;
        for (int r = 0; r < b; r++) {
            const float *z0 = sb->z0 + (size_t)r * L, *zk = sb->zk + (size_t)r * L;
            double acc = -sb->row_logdet[r];
            for (int j = 0; j < L; j++)
                acc += 0.5 * ((double)zk[j] * zk[j] - (double)z0[j] * z0[j]);
            sb->row_kl[r] += acc;
            corr += acc;
        }
        kl += corr;
        kl_used += corr / b;
    }
    out->recon = recon / b;
    out->kl = kl / b;
    out->kl_used = ae ? 0.0 : kl_used;
    out->loss = out->recon + (ae ? 0.0 : lp->beta * out->kl_used);
}

/* With flows, into sb->flow_dz (b, L): d loss / d z_0 from the decoder's d zin (through
 * dropout) and the KL's flow correction c * (|z_K|^2 / 2 - |z_0|^2 / 2 - sum log|det J|),
 * c = beta / b, back through the flows (whose parameter gradients it writes). */
static void flow_dz_backward(const VaeModel *m, VaeStepBuffers *sb, const float *dzin, int b,
                             float c, int drop, float *grads) {
    const int L = m->cfg.latent;
    float *g = sb->flow_dz;
    for (int r = 0; r < b; r++) {
        const float *dz = dzin + (size_t)r * m->dec_in, *zm = sb->zmask + (size_t)r * L;
        const float *zk = sb->zk + (size_t)r * L;
        float *gr = g + (size_t)r * L;
        for (int j = 0; j < L; j++)
            gr[j] = (drop ? dz[j] * zm[j] : dz[j]) + c * zk[j];
    }
    vae_flow_backward(m, sb->flow_uhat, sb->flow_q, sb->flow_z, sb->flow_th, g, b, c, grads,
                      sb->flow_duhat, sb->flow_dq);
    for (size_t i = 0; i < (size_t)b * L; i++)
        g[i] -= c * sb->z0[i];
}

void vae_step_backward(const VaeModel *m, VaeStepBuffers *sb, const uint8_t *labels, int b,
                       const VaeLossParams *lp, float *grads) {
    (void)labels;
    const float *p = m->params;
    VaeWorkspace *ws = &sb->ws;
    const int L = m->cfg.latent, HO = m->head_out, nd = m->n_dec, K = m->cfg.flows;
    const int ae = m->cfg.kind == VAE_KIND_AE, drop = lp->dropout > 0.0f;
    /* Every tensor is overwritten below; the padding between them is never written, so
     * the caller zeroes grads once at allocation. */

    /* decoder, last layer first; d0/d1 ping-pong */
    const float *dout = sb->dlogits;
    float *bufs[2] = {sb->d0, sb->d1};
    int cur = 0;
    const int conv = m->cfg.arch == VAE_ARCH_CONV;
    if (conv) { /* d0 and d1 are the convolutions' scratch here */
        vae_conv_decode_backward(m, ws, sb->dlogits, b, sb->dfeat, grads, sb->d0, sb->d1);
        dout = sb->dfeat;
    }
    for (int i = nd - 1; i >= 0; i--) {
        const VaeLinear *l = &m->dec[i];
        const float *inp = i ? ws->g[i - 1] : ws->zin;
        float *dinp = bufs[cur];
        vae_linear_backward(dinp, grads + l->w, grads + l->b, dout, inp, p + l->w, b, l->in, l->out,
                            0);
        if (i) vae_relu_backward(dinp, ws->g[i - 1], (size_t)b * l->in);
        dout = dinp;
        cur ^= 1;
    }
    /* dout is now d zin (b, dec_in): through dropout and the reparameterisation into the
     * head gradient (b, HO) */
    float *dhead = bufs[cur];
    cur ^= 1;
    const float inv_b = 1.0f / (float)(lp->batch_total > 0 ? lp->batch_total : b);
    const double *dim_kl = lp->dim_kl_total ? lp->dim_kl_total : sb->dim_kl;
    /* d z_0 (rows of dz_ld floats, dropout mask still to apply if zmul): straight from the
     * decoder, or through the flows */
    const float *dz0 = dout;
    int dz_ld = m->dec_in, zmul = drop;
    if (K > 0) {
        flow_dz_backward(m, sb, dout, b, lp->beta * inv_b, drop, grads);
        dz0 = sb->flow_dz;
        dz_ld = L;
        zmul = 0;
    }
    float kl_w[VAE_MAX_LATENT];
    for (int j = 0; j < L; j++) /* free bits: no KL gradient for dims under the floor */
        kl_w[j] = ae || dim_kl[j] * inv_b < lp->free_bits ? 0.0f : lp->beta * inv_b;
    for (int r = 0; r < b; r++) {
        const float *dz = dz0 + (size_t)r * dz_ld, *h = ws->head + (size_t)r * HO;
        const float *e = sb->eps + (size_t)r * L, *zm = sb->zmask + (size_t)r * L;
        float *dh = dhead + (size_t)r * HO;
        for (int j = 0; j < L; j++) {
            float g = zmul ? dz[j] * zm[j] : dz[j];
            if (ae) {
                dh[j] = g;
                continue;
            }
            float lv = h[L + j], sd = expf(0.5f * lv);
            dh[j] = g + kl_w[j] * h[j];
            float dlv = g * e[j] * 0.5f * sd + kl_w[j] * 0.5f * (sd * sd - 1.0f);
            dh[L + j] = (lv <= VAE_LOGVAR_MIN || lv >= VAE_LOGVAR_MAX) ? 0.0f : dlv;
        }
    }
    /* head and encoder trunk; the input gradient of enc.0 is never needed */
    const float *hin = m->n_enc ? ws->h[m->n_enc - 1] : NULL;
    float *dh_last = bufs[cur];
    vae_linear_backward(dh_last, grads + m->head.w, grads + m->head.b, dhead, hin, p + m->head.w, b,
                        m->head.in, HO, 0);
    vae_relu_backward(dh_last, hin, (size_t)b * m->head.in);
    dout = dh_last;
    cur ^= 1;
    for (int i = m->n_enc - 1; i >= 0; i--) {
        const VaeLinear *l = &m->enc[i];
        const float *inp =
            i ? ws->h[i - 1] : (conv || drop || m->cfg.kind == VAE_KIND_CVAE ? ws->x : sb->x);
        /* the input gradient of enc.0 is needed only by the convolutions below it */
        float *dinp = i || conv ? bufs[cur] : NULL;
        vae_linear_backward(dinp, grads + l->w, grads + l->b, dout, inp, p + l->w, b, l->in, l->out,
                            0);
        if (i) vae_relu_backward(dinp, ws->h[i - 1], (size_t)b * l->in);
        dout = dinp;
        cur ^= 1;
    }
    if (conv)
        vae_conv_encode_backward(m, ws, drop ? sb->ximg : sb->x, dout, b, grads, sb->dfeat,
                                 bufs[cur]);
}
