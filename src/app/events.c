/* SDL events -> engine input (see events.h). */
#include "events.h"

#include <string.h>

static int key_of(SDL_Keycode k) {
    if (k >= 0 && k < 128) return (int)k; /* SDL's keycodes of ASCII keys are the characters */
    if (k >= SDLK_F1 && k <= SDLK_F12) return APP_KEY_F1 + (int)(k - SDLK_F1);
    switch (k) {
    case SDLK_LEFT: return APP_KEY_LEFT;
    case SDLK_RIGHT: return APP_KEY_RIGHT;
    case SDLK_UP: return APP_KEY_UP;
    case SDLK_DOWN: return APP_KEY_DOWN;
    case SDLK_HOME: return APP_KEY_HOME;
    case SDLK_END: return APP_KEY_END;
    default: return APP_KEY_OTHER;
    }
}

static int mods_of(Uint16 m) {
    return (m & KMOD_SHIFT ? APP_MOD_SHIFT : 0) | (m & KMOD_CTRL ? APP_MOD_CTRL : 0) |
           (m & KMOD_ALT ? APP_MOD_ALT : 0);
}

static int window_event(const SDL_WindowEvent *w, AppState *s, AppInput *in) {
    if (w->event == SDL_WINDOWEVENT_SIZE_CHANGED) s->layout_dirty = 1;
    if (w->event == SDL_WINDOWEVENT_LEAVE) {
        in->kind = APP_IN_LEAVE;
        return 1;
    }
    s->redraw |= APP_REDRAW_ALL; /* exposed, resized, focus: draw it all again */
    return 0;
}

int app_event_input(const SDL_Event *e, AppState *s, float u, AppInput *in) {
    memset(in, 0, sizeof *in);
    switch (e->type) {
    case SDL_QUIT: s->quit = 1; return 0;
    case SDL_WINDOWEVENT: return window_event(&e->window, s, in);
    case SDL_KEYDOWN:
        in->kind = APP_IN_KEY;
        in->key = key_of(e->key.keysym.sym);
        in->mods = mods_of(e->key.keysym.mod);
        return 1;
    case SDL_MOUSEMOTION:
        in->kind = APP_IN_MOVE;
        in->x = (int)(e->motion.x * u), in->y = (int)(e->motion.y * u);
        return 1;
    case SDL_MOUSEBUTTONDOWN:
    case SDL_MOUSEBUTTONUP:
        in->kind = e->type == SDL_MOUSEBUTTONDOWN ? APP_IN_PRESS : APP_IN_RELEASE;
        in->button = e->button.button, in->clicks = e->button.clicks;
        in->x = (int)(e->button.x * u), in->y = (int)(e->button.y * u);
        return 1;
    case SDL_MOUSEWHEEL:
        in->kind = APP_IN_WHEEL;
        in->wheel = e->wheel.direction == SDL_MOUSEWHEEL_FLIPPED ? -e->wheel.y : e->wheel.y;
        return 1;
    case SDL_DROPFILE:
        in->kind = APP_IN_DROP;
        in->text = e->drop.file;
        return 1;
    case SDL_TEXTINPUT:
        in->kind = APP_IN_TEXT;
        in->text = e->text.text;
        return 1;
    default: return 0;
    }
}
