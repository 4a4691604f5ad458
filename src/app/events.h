/* SDL's events as the engine's input (engine/input.h); the window's own events (quit,
 * resize, exposure) change the state here. */
#ifndef APP_EVENTS_H
#define APP_EVENTS_H

#include <SDL.h>

#include "input.h"
#include "state.h"

/* 1 if e is input for the tools (then in is filled; its text lives as long as e), 0 if
 * it was the window's (applied to s). u: pixels per point. */
int app_event_input(const SDL_Event *e, AppState *s, float u, AppInput *in);

#endif
