/* Script playback (see script_play.h). */
#include "script_play.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "fileio.h"

/* "shift+z", "ctrl+s": the key's name after the modifiers, which go into *mods. */
static const char *key_name(const char *name, Uint16 *mods) {
    static const struct {
        const char *prefix;
        Uint16 mod;
    } prefixes[] = {{"shift+", KMOD_LSHIFT}, {"ctrl+", KMOD_LCTRL}, {"alt+", KMOD_LALT}};
    *mods = 0;
    for (int again = 1; again;) {
        again = 0;
        for (size_t i = 0; i < sizeof prefixes / sizeof *prefixes; i++) {
            size_t n = strlen(prefixes[i].prefix);
            if (!strncasecmp(name, prefixes[i].prefix, n) && name[n]) {
                *mods |= prefixes[i].mod, name += n, again = 1;
            }
        }
    }
    return name;
}

int app_script_load(AppScriptPlayer *p, const char *path, char *err, int err_len) {
    memset(p, 0, sizeof *p);
    uint8_t *buf = NULL;
    size_t len = 0;
    char e[VAE_ERR_LEN];
    if (vae_file_read_all(path, 16u << 20, &buf, &len, e) != VAE_OK) {
        snprintf(err, (size_t)err_len, "%s", e);
        return -1;
    }
    int rc = app_script_parse(&p->script, (const char *)buf, len, path, err, err_len);
    free(buf);
    if (rc != 0) return -1;
    for (int i = 0; i < p->script.n; i++) {
        const AppScriptEvent *ev = &p->script.ev[i];
        Uint16 mods;
        if (ev->kind == APP_EV_KEY &&
            SDL_GetKeyFromName(key_name(ev->text, &mods)) == SDLK_UNKNOWN) {
            snprintf(err, (size_t)err_len,
                     "%s:%d: unknown key '%s' (use SDL key names: a, space, f1, escape, [ ...)",
                     path, ev->line, ev->text);
            app_script_unload(p);
            return -1;
        }
    }
    return 0;
}

void app_script_unload(AppScriptPlayer *p) {
    app_script_free(&p->script);
    memset(p, 0, sizeof *p);
}

/* The screen shows the state after every command given so far: the snapshot on screen
 * includes them all. */
static int settled(const AppState *s) {
    AppTrainer *t = s->session->trainer;
    return !t || (s->snap && s->snap->commands == app_trainer_commands(t));
}

static void push_motion(Uint32 wid, int x, int y) {
    SDL_Event ev;
    memset(&ev, 0, sizeof ev);
    ev.type = SDL_MOUSEMOTION;
    ev.motion.windowID = wid;
    ev.motion.x = x, ev.motion.y = y;
    SDL_PushEvent(&ev);
}

static void push_button(Uint32 wid, Uint32 type, int button, int clicks, int x, int y) {
    SDL_Event ev;
    memset(&ev, 0, sizeof ev);
    ev.type = type;
    ev.button.windowID = wid;
    ev.button.button = (Uint8)button;
    ev.button.clicks = (Uint8)clicks;
    ev.button.state = type == SDL_MOUSEBUTTONDOWN ? SDL_PRESSED : SDL_RELEASED;
    ev.button.x = x, ev.button.y = y;
    SDL_PushEvent(&ev);
}

/* move, down, up, click, dblclick, drag: a motion to the point, then the button(s); a
 * drag moves in 8 steps to its end, where it releases. */
static void push_pointer(Uint32 wid, const AppScriptEvent *e) {
    push_motion(wid, e->x, e->y);
    if (e->kind == APP_EV_MOVE) return;
    int button = e->button == APP_BUTTON_RIGHT    ? SDL_BUTTON_RIGHT
                 : e->button == APP_BUTTON_MIDDLE ? SDL_BUTTON_MIDDLE
                                                  : SDL_BUTTON_LEFT;
    int n_clicks = e->kind == APP_EV_DBLCLICK ? 2 : 1;
    for (int c = 1; c <= n_clicks; c++) {
        int x = e->x, y = e->y;
        if (e->kind != APP_EV_UP) push_button(wid, SDL_MOUSEBUTTONDOWN, button, c, x, y);
        if (e->kind == APP_EV_DRAG) {
            for (int k = 1; k <= 8; k++)
                push_motion(wid, e->x + (e->x2 - e->x) * k / 8, e->y + (e->y2 - e->y) * k / 8);
            x = e->x2, y = e->y2;
        }
        if (e->kind != APP_EV_DOWN) push_button(wid, SDL_MOUSEBUTTONUP, button, c, x, y);
    }
}

static void push_key(Uint32 wid, const char *name) {
    SDL_Event ev;
    memset(&ev, 0, sizeof ev);
    ev.type = SDL_KEYDOWN;
    ev.key.windowID = wid;
    ev.key.state = SDL_PRESSED;
    name = key_name(name, &ev.key.keysym.mod);
    ev.key.keysym.sym = SDL_GetKeyFromName(name);
    ev.key.keysym.scancode = SDL_GetScancodeFromKey(ev.key.keysym.sym);
    SDL_PushEvent(&ev);
    ev.type = SDL_KEYUP;
    ev.key.state = SDL_RELEASED;
    SDL_PushEvent(&ev);
}

/* hover INDEX: the pointer onto where image INDEX's dot is drawn now in the first pane. */
static void push_hover(Uint32 wid, AppState *s, const AppScriptEvent *e) {
    const AppPane *p = &s->pane[0];
    int i = e->x;
    if (i >= s->snap->n_points || p->view.scale <= 0) {
        app_toast(s, 1, "script line %d: no test image %d in view", e->line, i);
        return;
    }
    double px, py;
    app_pane_point(s, p, i, &px, &py);
    const AppRect *r = &p->rect;
    if (!(px >= r->x && px < r->x + r->w && py >= r->y && py < r->y + r->h)) {
        app_toast(s, 1, "script line %d: test image %d is out of view", e->line, i);
        return;
    }
    push_motion(wid, (int)(px / s->u), (int)(py / s->u));
}

/* drop PATH: as the window system drops a file (SDL owns the copy; main frees it). */
static void push_drop(Uint32 wid, const char *path) {
    SDL_Event ev;
    memset(&ev, 0, sizeof ev);
    ev.type = SDL_DROPFILE;
    ev.drop.windowID = wid;
    if ((ev.drop.file = SDL_strdup(path))) SDL_PushEvent(&ev);
}

/* type TEXT: text input events of at most SDL's 31 bytes each (cut between characters). */
static void push_text(Uint32 wid, const char *text) {
    SDL_Event ev;
    memset(&ev, 0, sizeof ev);
    ev.type = SDL_TEXTINPUT;
    ev.text.windowID = wid;
    size_t n = strlen(text), most = sizeof ev.text.text - 1;
    for (size_t at = 0; at < n;) {
        size_t k = n - at < most ? n - at : most;
        while (k > 1 && at + k < n && ((unsigned char)text[at + k] & 0xC0) == 0x80)
            k--; /* not inside a UTF-8 sequence */
        memcpy(ev.text.text, text + at, k);
        ev.text.text[k] = 0;
        SDL_PushEvent(&ev);
        at += k;
    }
}

static void push_event(Uint32 wid, AppState *s, SDL_Window *win, const AppScriptEvent *e) {
    SDL_Event ev;
    memset(&ev, 0, sizeof ev);
    switch (e->kind) {
    case APP_EV_WHEEL:
        ev.type = SDL_MOUSEWHEEL;
        ev.wheel.windowID = wid;
        ev.wheel.y = e->y;
        ev.wheel.direction = SDL_MOUSEWHEEL_NORMAL;
        SDL_PushEvent(&ev);
        break;
    case APP_EV_KEY: push_key(wid, e->text); break;
    case APP_EV_RESIZE: SDL_SetWindowSize(win, e->x, e->y); break;
    case APP_EV_SCREENSHOT: snprintf(s->screenshot, sizeof s->screenshot, "%s", e->text); break;
    case APP_EV_QUIT:
        ev.type = SDL_QUIT;
        SDL_PushEvent(&ev);
        break;
    case APP_EV_HOVER: push_hover(wid, s, e); break;
    case APP_EV_DROP: push_drop(wid, e->text); break;
    case APP_EV_TYPE: push_text(wid, e->text); break;
    default: push_pointer(wid, e); break;
    }
}

void app_script_play(AppScriptPlayer *p, AppState *s, SDL_Window *win) {
    if (!s->snap) return;
    Uint32 wid = SDL_GetWindowID(win);
    int pushed = 0;
    const AppScript *sc = &p->script;
    while (p->next < sc->n && sc->ev[p->next].frame <= p->frame) {
        const AppScriptEvent *e = &sc->ev[p->next];
        /* keys pushed just now reach the trainer only when this frame handles them */
        if (e->kind == APP_EV_SETTLE && (pushed || !settled(s))) return;
        if (e->kind == APP_EV_STEPS && s->snap->step < e->x) return;
        p->next++;
        if (e->kind == APP_EV_SETTLE || e->kind == APP_EV_STEPS) continue;
        push_event(wid, s, win, e);
        pushed = 1;
    }
    p->frame++;
}
