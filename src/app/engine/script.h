/* --script FILE: timed input events for tests and demos, one per line
 * ("FRAME command args", see docs/explorer.md). The parser is a pure function over a
 * buffer (no SDL, no I/O) so it can be fuzzed; key names are checked by the caller. */
#ifndef APP_SCRIPT_H
#define APP_SCRIPT_H

#include <stddef.h>

#include "input.h" /* APP_BUTTON_* */

typedef enum {
    APP_EV_MOVE,       /* move X Y */
    APP_EV_DOWN,       /* down BUTTON X Y */
    APP_EV_UP,         /* up BUTTON X Y */
    APP_EV_CLICK,      /* click X Y (left) */
    APP_EV_DBLCLICK,   /* dblclick X Y (left) */
    APP_EV_DRAG,       /* drag BUTTON X1 Y1 X2 Y2 */
    APP_EV_WHEEL,      /* wheel DY (at the cursor) */
    APP_EV_KEY,        /* key NAME (an SDL key name: c, space, f1, escape, [ ...; shift+z) */
    APP_EV_RESIZE,     /* resize W H */
    APP_EV_SCREENSHOT, /* screenshot PATH */
    APP_EV_QUIT,       /* quit */
    APP_EV_HOVER,      /* hover INDEX: the cursor onto test image INDEX's dot in pane 1 */
    APP_EV_SETTLE,     /* settle: hold the script until the screen shows every command's state */
    APP_EV_STEPS,      /* steps N: hold the script until the screen shows step N or later */
    APP_EV_DROP,       /* drop PATH: a file dropped on the window */
    APP_EV_TYPE,       /* type TEXT: text typed (no blanks; a path, say) */
} AppEventKind;

#define APP_SCRIPT_TEXT 256              /* longest key name or path + 1 */
#define APP_SCRIPT_COORD_MAX 100000      /* |coordinate|, wheel, resize sides */
#define APP_SCRIPT_HOVER_MAX 100000000L  /* hover INDEX */
#define APP_SCRIPT_STEPS_MAX 1000000000L /* steps N */

typedef struct {
    long frame;
    int line;
    AppEventKind kind;
    int button;
    int x, y, x2, y2; /* window points; wheel: y = DY; resize: x, y = W, H; hover: x = INDEX;
                         steps: x = N */
    char *text;       /* key name, path or typed text (owned; NULL for the other kinds): a long
                         soak script is hundreds of thousands of events, so no fixed buffer */
} AppScriptEvent;

typedef struct {
    AppScriptEvent *ev; /* sorted by frame (the file must list frames in order) */
    int n;
} AppScript;

/* Parse buf[0..len). On error returns -1 with "NAME:LINE: what" in err and s empty. */
int app_script_parse(AppScript *s, const char *buf, size_t len, const char *name, char *err,
                     int err_len);
void app_script_free(AppScript *s);
const char *app_script_kind_name(AppEventKind k);

#endif
