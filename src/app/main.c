/* vae-explorer: the window. As in the raylib examples: initialise (flags, script, font,
 * data and checkpoints, display, tools, training), then loop { input, update, draw },
 * then de-initialise. Every failure before the loop is one line `vae-explorer: ...` and
 * exit status 2. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "clock.h"
#include "events.h"
#include "frame.h"
#include "priority.h"
#include "script_play.h"
#include "session.h"
#include "state.h"
#include "tool_list.h"
#include "tools.h"
#include "window.h"

#define FRAME_S (1.0 / 60.0)
#define UNSLEPT_MAX 60 /* a second of frames over budget: the loop drops real-time */

typedef struct {
    AppOptions opt;
    AppSession session;
    AppState s;
    AppWindow win;
    AppGfx g;
    AppTools tools;
    AppFrame frame;
    AppScriptPlayer script;
    int realtime; /* the loop's thread runs at a real-time priority (priority.h) */
} App;

static int fail(const char *msg) {
    fprintf(stderr, "vae-explorer: %s\n", msg);
    return 2;
}

/* Every tool's keys, from the same lines as the help overlay. */
#define DECLARE(n) extern const AppTool app_tool_##n;
APP_TOOLS(DECLARE)
#undef DECLARE

static void print_keys(FILE *f) {
#define TOOL(n) &app_tool_##n,
    static const AppTool *const tools[] = {APP_TOOLS(TOOL)};
#undef TOOL
    for (size_t i = 0; i < sizeof tools / sizeof *tools; i++) {
        if (!tools[i]->n_help) continue;
        fprintf(f, "  %s\n", tools[i]->title);
        for (int k = 0; k < tools[i]->n_help; k++)
            fprintf(f, "    %-18s %s\n", tools[i]->help[k].keys, tools[i]->help[k].what);
    }
}

/* A first frame before the trainer exists: the window is not blank while the models are
 * made (and the display's first-present costs are paid here, not in the loop's frames). */
static void splash(App *a) {
    a->s.now = vae_now();
    app_tools_update(&a->tools, &a->s, &a->g);
    app_frame_draw(&a->frame, &a->s, &a->tools, &a->g, &a->win, 1);
    app_frame_present(&a->frame, &a->win, &a->g);
    memset(&a->frame, 0, sizeof a->frame); /* the loop's frames start afresh */
}

/* Everything up to the first frame; 0, or the exit status (the message printed). */
static int initialise(App *a, int argc, char **argv) {
    char err[1024], font[1024];
    if (app_args_parse(&a->opt, argc, argv, err, sizeof err) != 0) return fail(err);
    if (a->opt.help) {
        app_args_print_usage(stdout);
        print_keys(stdout);
        return -1;
    }
    if (a->opt.script && app_script_load(&a->script, a->opt.script, err, sizeof err) != 0)
        return fail(err);
    if (app_font_find("DejaVu Sans", font, sizeof font, err, sizeof err) != 0) return fail(err);
    if (app_session_open(&a->session, &a->opt, err, sizeof err) != 0) return fail(err);
    app_state_init(&a->s, &a->opt, &a->session);
    if (!(a->s.worker = app_worker_start(err, sizeof err))) return fail(err);
    if (app_window_open(&a->win, &a->opt, &a->g, err, sizeof err) != 0) return fail(err);
    app_window_layout(&a->win, &a->s, &a->g);
    if (app_text_init(&a->g.text, a->g.ren, a->g.u, err, sizeof err) != 0) return fail(err);
    if (app_tools_init(&a->tools, &a->s, err, sizeof err) != 0) return fail(err);
    splash(a); /* the window shows "starting..." while the models are made */
    if (app_session_start(&a->session, &a->opt, err, sizeof err) != 0) return fail(err);
    return 0;
}

static void input(App *a) {
    if (a->opt.script) app_script_play(&a->script, &a->s, a->win.win);
    SDL_Event e;
    while (SDL_PollEvent(&e)) {
        AppInput in;
        if (app_event_input(&e, &a->s, a->g.u, &in)) app_tools_input(&a->tools, &a->s, &in);
        if (e.type == SDL_DROPFILE) SDL_free(e.drop.file);
    }
}

/* The layout follows the panes (a key, or a tool's update: a fork shown beside its
 * parent); a new layout is drawn whole. */
static void layout(App *a) {
    if (!a->s.layout_dirty) return;
    app_window_layout(&a->win, &a->s, &a->g);
    a->s.redraw |= APP_REDRAW_ALL;
}

static int update(App *a) {
    if (app_state_take_snapshot(&a->s) != 0) return fail("out of memory for the decoders");
    layout(a);
    app_tools_update(&a->tools, &a->s, &a->g);
    if (a->s.layout_dirty) { /* the tools changed the panes: lay out and update again */
        layout(a);
        app_tools_update(&a->tools, &a->s, &a->g);
    }
    return 0;
}

/* The screenshot asked for (P, a script, --screenshot at the last frame), after drawing. */
static void take_screenshot(App *a, int last) {
    if (!a->frame.drawn || !a->s.screenshot[0]) return;
    char err[VAE_ERR_LEN + 128];
    if (app_window_screenshot(&a->s, &a->g, a->s.screenshot, err, sizeof err) != 0)
        app_toast(&a->s, 1, "%s", err);
    else if (!last)
        app_toast(&a->s, 0, "saved %s", a->s.screenshot);
    a->s.screenshot[0] = 0;
}

static void print_stats(const App *a, double wall) {
    const AppFrame *f = &a->frame;
    printf("frames=%ld fps=%.1f p50_ms=%.2f p99_ms=%.2f train_samples_per_s=%.0f", a->s.frame,
           wall > 0 ? (double)a->s.frame / wall : 0, app_hist_quantile(&f->frame_ms, 0.5),
           app_hist_quantile(&f->frame_ms, 0.99), app_trainer_throughput(a->session.trainer));
    /* publication to first present of each snapshot after the first frame */
    if (f->snap_ms.n > 0)
        printf(" snapshots=%ld snapshot_p99_ms=%.1f snapshot_max_ms=%.1f", f->snap_ms.n,
               app_hist_quantile(&f->snap_ms, 0.99), f->snap_ms.max);
    /* the kernel's high-water mark of resident memory (Linux), start-up included */
    FILE *st = fopen("/proc/self/status", "r");
    if (st) {
        char line[128];
        long kb = -1;
        while (fgets(line, sizeof line, st))
            if (sscanf(line, "VmHWM: %ld kB", &kb) == 1) break;
        fclose(st);
        if (kb >= 0) printf(" peak_rss_mb=%.1f", kb / 1024.0);
    }
    /* a second line: how many drawn frames were whole, the render thread's own CPU time
     * per drawn frame (what the frames cost, apart from waiting for the cores), and the
     * p99 of the frames drawn whole alone */
    printf("\ndrawn=%ld whole=%ld cpu_p50_ms=%.2f cpu_p99_ms=%.2f startup_frame_ms=%.2f "
           "whole_p99_ms=%.2f realtime=%d\n",
           f->drawn_frames, f->whole_frames, app_hist_quantile(&f->frame_cpu_ms, 0.5),
           app_hist_quantile(&f->frame_cpu_ms, 0.99), f->startup_ms,
           app_hist_quantile(&f->whole_ms, 0.99), a->realtime);
    fflush(stdout);
}

/* A drawn frame's time and CPU time into --stats, or, up to the first frame that shows a
 * snapshot, the start-up frame's. */
static void record_frame(App *a, double ms, double cpu_ms) {
    AppFrame *f = &a->frame;
    if (!f->warm) {
        if (ms > f->startup_ms) f->startup_ms = ms;
        f->warm = a->s.snap != NULL;
        return;
    }
    app_hist_record(&f->frame_ms, ms);
    app_hist_record(&f->frame_cpu_ms, cpu_ms);
    if (f->whole) app_hist_record(&f->whole_ms, ms);
}

/* The loop: input, update, draw; a frame's time (input to present, the screenshot not
 * counted, nor a present that waits for vsync) goes into --stats. Paced at 60 fps when
 * present does not wait. */
static int run(App *a) {
    a->realtime = app_priority_frames();
    int unslept = 0; /* frames in a row with no time to spare */
    double t_begin = vae_now(), t_next = t_begin;
    while (!a->s.quit) {
        double t0 = a->s.now = vae_now(), c0 = vae_thread_cpu();
        input(a);
        int last = a->s.quit || (a->opt.frames > 0 && a->s.frame + 1 >= a->opt.frames);
        if (update(a) != 0) return 2;
        if (last && a->opt.screenshot)
            snprintf(a->s.screenshot, sizeof a->s.screenshot, "%s", a->opt.screenshot);
        app_frame_draw(&a->frame, &a->s, &a->tools, &a->g, &a->win, last);
        double t1 = vae_now();
        take_screenshot(a, last);
        double t2 = vae_now();
        app_frame_present(&a->frame, &a->win, &a->g);
        double t3 = vae_now();
        if (a->frame.drawn)
            record_frame(a, 1e3 * ((t1 - t0) + (a->win.vsync ? 0 : t3 - t2)),
                         1e3 * (vae_thread_cpu() - c0));
        if (a->s.fresh && a->s.frame > 0)
            app_hist_record(&a->frame.snap_ms, 1e3 * (t3 - a->s.snap->published_s));
        a->s.frame++;
        if (last) a->s.quit = 1;
        t_next += FRAME_S;
        if (a->win.vsync && a->frame.drawn) continue;
        double spare = t_next - vae_now();
        if (spare > 0)
            vae_sleep(spare);
        else if (spare < -FRAME_S)
            t_next = vae_now(); /* behind: do not try to catch up */
        unslept = spare > 0 ? 0 : unslept + 1;
        if (a->realtime && unslept >= UNSLEPT_MAX) { /* it would hold its core (priority.h) */
            app_priority_ordinary();
            a->realtime = 0;
        }
    }
    if (a->opt.stats) print_stats(a, vae_now() - t_begin);
    return 0;
}

/* The trainer is joined (in app_session_close) before anything it reads is freed; the
 * tools' worker before the session too (a save of the recording reads it). */
static void deinitialise(App *a) {
    app_worker_stop(a->s.worker); /* before the tools whose jobs it may be running */
    a->s.worker = NULL;
    app_session_close(&a->session);
    app_tools_free(&a->tools);
    app_state_free(&a->s);
    if (a->g.text.table) app_text_free(&a->g.text);
    if (TTF_WasInit()) TTF_Quit();
    app_window_close(&a->win, &a->g);
    app_script_unload(&a->script);
}

int main(int argc, char **argv) {
    static App app; /* zeroed */
    int rc = initialise(&app, argc, argv);
    if (rc == 0) rc = run(&app);
    deinitialise(&app);
    return rc < 0 ? 0 : rc;
}
