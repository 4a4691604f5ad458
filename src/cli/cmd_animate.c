/* `vae animate`: a recording (`vae train --record`, the explorer's) as an animated GIF of
 * the latent plane forming: the scatter of each picked step, the prior's circles, the
 * step; optionally the manifold grid of the decoder recorded nearest to it. */
#include <stdio.h>
#include <string.h>

#include "animate.h"
#include "cli.h"

/* "WxH" with whole numbers. */
static int parse_size(const char *v, void *dst) {
    int *wh = dst, n = 0;
    char x;
    if (sscanf(v, "%d%c%d%n", &wh[0], &x, &wh[1], &n) != 3 || (x != 'x' && x != 'X') ||
        v[n] != '\0')
        return 0;
    return wh[0] > 0 && wh[1] > 0;
}

int cmd_animate(int argc, char **argv) {
    const char *replay = NULL, *out = NULL;
    int size[2] = {0, 0}, quiet = 0;
    VaeAnimateOptions o = vae_animate_defaults();
    const VaeOpt opts[] = {
        {"--replay", VAE_OPT_STR, &replay, "FILE", "the recording (vae train --record), required"},
        {"--out", VAE_OPT_STR, &out, "FILE.gif", "the animation to write, required"},
        {"--size", VAE_OPT_PARSE, size, "WxH",
         "image size (default 480x480 per model's pane, side by side)", 0, 0, parse_size},
        {"--fps", VAE_OPT_INT, &o.fps, "F", "frames per second (default 10)", 1,
         VAE_ANIMATE_MAX_FPS},
        {"--frames", VAE_OPT_INT, &o.frames, "N",
         "frames, spread evenly over the recorded ones (default: all, at most 100)", 1, 100000},
        {"--grid", VAE_OPT_FLAG, &o.grid, NULL,
         "the manifold grid decoded by the nearest recorded decoder, under the points"},
        {"--model", VAE_OPT_INT, &o.model, "I", "only model I's pane (default: every model's)", 0,
         VAE_RECORD_MAX_MODELS - 1},
        {"--quiet", VAE_OPT_FLAG, &quiet, NULL, "no summary line"},
    };
    const CliCommand cmd = {
        "animate",
        "--replay FILE --out run.gif [--size WxH] [--fps F] [--frames N] [--grid]",
        "Animate a recorded run: the latent plane at the recorded steps, one pane per model.",
        opts,
        (int)(sizeof opts / sizeof opts[0]),
        0,
        NULL};
    const char *pos[1];
    int npos, rc = cli_parse(&cmd, argc, argv, pos, &npos);
    if (rc) return rc == CLI_HELP ? CLI_OK : rc;
    if (!replay || !out)
        return cli_error(CLI_USAGE, "animate: --replay FILE and --out FILE.gif are required");
    o.width = size[0], o.height = size[1];
    char err[VAE_ERR_LEN];
    VaeRecording *r = NULL;
    VaeStatus s = vae_recording_load(&r, replay, err);
    if (s != VAE_OK) return cli_error(s == VAE_ERR_NOMEM ? CLI_FAIL : CLI_USAGE, "%s", err);
    if ((s = vae_animate_resolve(r, &o, err)) != VAE_OK) {
        rc = cli_error(CLI_USAGE, "animate: %s: %s", replay, err);
        goto done;
    }
    VaeAnimateInfo info;
    if ((s = vae_animate_gif(r, &o, out, &info, err)) != VAE_OK) {
        rc = cli_error(CLI_FAIL, "%s", err);
        goto done;
    }
    if (!quiet)
        fprintf(stderr, "wrote %s: %d frames of %dx%d, %.1f KB\n", out, info.frames, info.width,
                info.height, info.bytes / 1e3);
    rc = CLI_OK;
done:
    vae_recording_destroy(r);
    return rc;
}
