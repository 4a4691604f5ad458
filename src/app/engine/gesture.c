/* Left-button gestures (see gesture.h). */
#include "gesture.h"

#define CLICK_PT 4 /* a press and release closer than this many points is a click */

static void clamp_to(const AppRect *r, int *x, int *y) {
    *x = *x < r->x ? r->x : *x >= r->x + r->w ? r->x + r->w - 1 : *x;
    *y = *y < r->y ? r->y : *y >= r->y + r->h ? r->y + r->h - 1 : *y;
}

/* Follow the pointer to (x, y), kept inside the pane; 1 once it is further than a click. */
static int follow(AppGesture *g, const AppState *s, int x, int y) {
    clamp_to(&s->pane[g->pane].rect, &x, &y);
    g->x = x, g->y = y;
    int dx = x - g->x0, dy = y - g->y0, lim = (int)(CLICK_PT * s->u);
    if (dx * dx + dy * dy > lim * lim) g->moved = 1;
    return g->moved;
}

AppGestureEvent app_gesture_input(AppGesture *g, const AppState *s, const AppInput *in) {
    switch (in->kind) {
    case APP_IN_PRESS: {
        int p = app_pane_at(s, in->x, in->y);
        if (in->button != APP_BUTTON_LEFT || in->clicks > 1 || p < 0) return APP_GESTURE_NONE;
        *g = (AppGesture){1, p, in->x, in->y, in->x, in->y, 0};
        return APP_GESTURE_PRESS;
    }
    case APP_IN_MOVE:
        if (!g->active) return APP_GESTURE_NONE;
        return follow(g, s, in->x, in->y) ? APP_GESTURE_DRAG : APP_GESTURE_NONE;
    case APP_IN_RELEASE:
        if (!g->active || in->button != APP_BUTTON_LEFT) return APP_GESTURE_NONE;
        g->active = 0;
        return follow(g, s, in->x, in->y) ? APP_GESTURE_DROP : APP_GESTURE_CLICK;
    default: return APP_GESTURE_NONE;
    }
}
