/* Input as the engine sees it: keys, the pointer and dropped files, translated from the
 * window system's events by the front (no SDL here), so tools and their tests need no
 * window. Coordinates are pixels of the window. */
#ifndef APP_INPUT_H
#define APP_INPUT_H

typedef enum {
    APP_IN_KEY,     /* key (and mods) pressed */
    APP_IN_MOVE,    /* the pointer moved to (x, y); button held, if any, in `button` */
    APP_IN_PRESS,   /* button pressed at (x, y); clicks = 2 for a double click */
    APP_IN_RELEASE, /* button released at (x, y) */
    APP_IN_WHEEL,   /* wheel turned by `wheel` notches (up > 0) at the pointer */
    APP_IN_LEAVE,   /* the pointer left the window */
    APP_IN_DROP,    /* a file dropped on the window: its path in text */
    APP_IN_TEXT,    /* text typed (UTF-8) in text */
} AppInputKind;

enum { APP_BUTTON_LEFT = 1, APP_BUTTON_MIDDLE = 2, APP_BUTTON_RIGHT = 3 };

/* Keys: printable ASCII as itself ('a', ' ', '[', '0'), these for the rest. */
enum {
    APP_KEY_BACKSPACE = 8,
    APP_KEY_TAB = 9,
    APP_KEY_RETURN = 13,
    APP_KEY_ESCAPE = 27,
    APP_KEY_DELETE = 127,
    APP_KEY_F1 = 0x1000, /* F1..F12 are APP_KEY_F1 + 0..11 */
    APP_KEY_LEFT = 0x1100,
    APP_KEY_RIGHT,
    APP_KEY_UP,
    APP_KEY_DOWN,
    APP_KEY_HOME,
    APP_KEY_END,
    APP_KEY_OTHER = 0x1fff, /* a key the explorer has no use for */
};

enum { APP_MOD_SHIFT = 1, APP_MOD_CTRL = 2, APP_MOD_ALT = 4 };

typedef struct {
    AppInputKind kind;
    int key, mods;
    int button, clicks;
    int x, y; /* pixels */
    int wheel;
    const char *text; /* APP_IN_DROP, APP_IN_TEXT: valid during the call only */
} AppInput;

#endif
