/* libFuzzer target for the explorer's --script parser (src/app/engine/script.c, a pure
 * function over a buffer): any input must parse or fail with a message, never crash,
 * and every parsed event must be within its kind's documented range (script.h). */
#include <assert.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "script.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    AppScript s;
    char err[256];
    if (app_script_parse(&s, (const char *)data, size, "fuzz", err, sizeof err) == 0) {
        for (int i = 0; i < s.n; i++) {
            const AppScriptEvent *e = &s.ev[i];
            assert(e->frame >= 0 && (i == 0 || e->frame >= s.ev[i - 1].frame));
            assert(e->line >= 1);
            int texty = e->kind == APP_EV_KEY || e->kind == APP_EV_SCREENSHOT ||
                        e->kind == APP_EV_DROP || e->kind == APP_EV_TYPE;
            assert(texty ? e->text && strlen(e->text) < APP_SCRIPT_TEXT : e->text == NULL);
            assert(e->kind >= APP_EV_MOVE && e->kind <= APP_EV_TYPE);
            assert(e->button >= 0 && e->button <= APP_BUTTON_RIGHT);
            switch (e->kind) {
            case APP_EV_HOVER: assert(e->x >= 0 && e->x <= APP_SCRIPT_HOVER_MAX); break;
            case APP_EV_STEPS: assert(e->x >= 0 && e->x <= APP_SCRIPT_STEPS_MAX); break;
            case APP_EV_RESIZE:
                assert(e->x >= 1 && e->x <= APP_SCRIPT_COORD_MAX && e->y >= 1 &&
                       e->y <= APP_SCRIPT_COORD_MAX);
                break;
            default:
                assert(e->x >= -APP_SCRIPT_COORD_MAX && e->x <= APP_SCRIPT_COORD_MAX &&
                       e->y >= -APP_SCRIPT_COORD_MAX && e->y <= APP_SCRIPT_COORD_MAX &&
                       e->x2 >= -APP_SCRIPT_COORD_MAX && e->x2 <= APP_SCRIPT_COORD_MAX &&
                       e->y2 >= -APP_SCRIPT_COORD_MAX && e->y2 <= APP_SCRIPT_COORD_MAX);
            }
        }
        app_script_free(&s);
    } else {
        assert(s.n == 0 && s.ev == NULL && err[0]);
    }
    return 0;
}
