/* Playing a --script: each frame, the script's events due by then become SDL events, so
 * they reach the same handlers as real input (`settle` and `steps` hold the script until
 * the screen shows the trainer's state). */
#ifndef APP_SCRIPT_PLAY_H
#define APP_SCRIPT_PLAY_H

#include <SDL.h>

#include "script.h"
#include "state.h"

typedef struct {
    AppScript script;
    int next;   /* the next event */
    long frame; /* script frames so far: frames not held by settle or steps */
} AppScriptPlayer;

/* Read and parse path; key names are checked against SDL's. 0, or -1 with err. */
int app_script_load(AppScriptPlayer *p, const char *path, char *err, int err_len);
void app_script_unload(AppScriptPlayer *p);
/* Push the events of this script frame (from the first frame that shows a model, so a
 * script never races the trainer's first snapshot). */
void app_script_play(AppScriptPlayer *p, AppState *s, SDL_Window *win);

#endif
