/* The --script parser: strict line format "FRAME command args", '#' comments, blank
 * lines; frames non-decreasing; every number range-checked. */
#include "script.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_LINE 1024
#define MAX_TOKENS 8
#define MAX_EVENTS 1000000
#define COORD_MAX APP_SCRIPT_COORD_MAX

static const struct {
    const char *name;
    AppEventKind kind;
    int n_args; /* tokens after the command */
} commands[] = {
    {"move", APP_EV_MOVE, 2},
    {"down", APP_EV_DOWN, 3},
    {"up", APP_EV_UP, 3},
    {"click", APP_EV_CLICK, 2},
    {"dblclick", APP_EV_DBLCLICK, 2},
    {"drag", APP_EV_DRAG, 5},
    {"wheel", APP_EV_WHEEL, 1},
    {"key", APP_EV_KEY, 1},
    {"resize", APP_EV_RESIZE, 2},
    {"screenshot", APP_EV_SCREENSHOT, 1},
    {"quit", APP_EV_QUIT, 0},
    {"hover", APP_EV_HOVER, 1},
    {"settle", APP_EV_SETTLE, 0},
    {"steps", APP_EV_STEPS, 1},
    {"drop", APP_EV_DROP, 1},
    {"type", APP_EV_TYPE, 1},
};

const char *app_script_kind_name(AppEventKind k) {
    for (size_t i = 0; i < sizeof commands / sizeof *commands; i++)
        if (commands[i].kind == k) return commands[i].name;
    return "?";
}

static int to_long(const char *s, long lo, long hi, long *out) {
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (errno || end == s || *end || v < lo || v > hi) return 0;
    *out = v;
    return 1;
}

static char *dup(const char *s) {
    size_t n = strlen(s) + 1;
    char *d = malloc(n);
    if (d) memcpy(d, s, n);
    return d;
}

static int to_button(const char *s, int *b) {
    if (!strcmp(s, "left"))
        *b = APP_BUTTON_LEFT;
    else if (!strcmp(s, "middle"))
        *b = APP_BUTTON_MIDDLE;
    else if (!strcmp(s, "right"))
        *b = APP_BUTTON_RIGHT;
    else
        return 0;
    return 1;
}

/* Split line at blanks (a '#' starts a comment) into at most MAX_TOKENS tokens; their
 * count, or -1 if there are more. */
static int tokenize(char *line, char **tok) {
    int n = 0;
    char *hash = strchr(line, '#');
    if (hash) *hash = 0;
    for (char *p = line;;) {
        while (*p == ' ' || *p == '\t' || *p == '\r')
            p++;
        if (!*p) break;
        if (n == MAX_TOKENS) return -1;
        tok[n++] = p;
        while (*p && *p != ' ' && *p != '\t' && *p != '\r')
            p++;
        if (*p) *p++ = 0;
    }
    return n;
}

/* "FRAME command" and the argument count: the index of the command in commands[], or -1
 * with a message. */
static int parse_head(char **tok, int n, AppScriptEvent *ev, char *err, int err_len) {
    long v;
    if (!to_long(tok[0], 0, 1000000000L, &v)) {
        snprintf(err, (size_t)err_len, "expected a frame number, got '%.40s'", tok[0]);
        return -1;
    }
    ev->frame = v;
    if (n < 2) {
        snprintf(err, (size_t)err_len, "missing command after the frame number");
        return -1;
    }
    int c = 0, n_commands = (int)(sizeof commands / sizeof *commands);
    while (c < n_commands && strcmp(commands[c].name, tok[1]))
        c++;
    if (c == n_commands) {
        snprintf(err, (size_t)err_len, "unknown command '%.40s'", tok[1]);
        return -1;
    }
    if (n - 2 != commands[c].n_args) {
        snprintf(err, (size_t)err_len, "'%s' takes %d argument%s, got %d", commands[c].name,
                 commands[c].n_args, commands[c].n_args == 1 ? "" : "s", n - 2);
        return -1;
    }
    ev->kind = commands[c].kind;
    return c;
}

/* The one argument of wheel, key, screenshot, steps, hover, drop and type. 1, or -1 with a message.
 */
static int parse_single(char *a, AppScriptEvent *ev, char *err, int err_len) {
    long v;
    switch (ev->kind) {
    case APP_EV_WHEEL:
        if (!to_long(a, -100, 100, &v) || v == 0) {
            snprintf(err, (size_t)err_len, "wheel needs a non-zero step in -100..100");
            return -1;
        }
        ev->y = (int)v;
        return 1;
    case APP_EV_STEPS:
    case APP_EV_HOVER: {
        long hi = ev->kind == APP_EV_STEPS ? APP_SCRIPT_STEPS_MAX : APP_SCRIPT_HOVER_MAX;
        if (!to_long(a, 0, hi, &v)) {
            const char *what = ev->kind == APP_EV_STEPS ? "steps needs a step count"
                                                        : "hover needs a test image index";
            snprintf(err, (size_t)err_len, "%s, got '%.40s'", what, a);
            return -1;
        }
        ev->x = (int)v;
        return 1;
    }
    default: /* key, screenshot, drop, type */
        if (strlen(a) >= APP_SCRIPT_TEXT) {
            snprintf(err, (size_t)err_len, "argument too long");
            return -1;
        }
        if (!(ev->text = dup(a))) {
            snprintf(err, (size_t)err_len, "out of memory");
            return -1;
        }
        return 1;
    }
}

/* [BUTTON] X Y [X2 Y2] of the pointer events, W H of resize. 1, or -1 with a message. */
static int parse_coords(char **a, AppScriptEvent *ev, char *err, int err_len) {
    int with_button = ev->kind == APP_EV_DOWN || ev->kind == APP_EV_UP || ev->kind == APP_EV_DRAG;
    int n_coords = ev->kind == APP_EV_DRAG ? 4 : 2, coords[4] = {0, 0, 0, 0};
    if (with_button && !to_button(a[0], &ev->button)) {
        snprintf(err, (size_t)err_len, "button must be left, middle or right, got '%.40s'", a[0]);
        return -1;
    }
    if (ev->kind == APP_EV_CLICK || ev->kind == APP_EV_DBLCLICK) ev->button = APP_BUTTON_LEFT;
    long lo = ev->kind == APP_EV_RESIZE ? 1 : -COORD_MAX, v;
    for (int i = 0; i < n_coords; i++) {
        if (!to_long(a[with_button + i], lo, COORD_MAX, &v)) {
            snprintf(err, (size_t)err_len, "bad %s '%.40s'",
                     ev->kind == APP_EV_RESIZE ? "size" : "coordinate", a[with_button + i]);
            return -1;
        }
        coords[i] = (int)v;
    }
    ev->x = coords[0], ev->y = coords[1], ev->x2 = coords[2], ev->y2 = coords[3];
    return 1;
}

/* Parse one line (NUL-terminated, no newline) into ev; 0 = blank/comment, 1 = event,
 * -1 = error with a message in err. */
static int parse_line(char *line, AppScriptEvent *ev, char *err, int err_len) {
    char *tok[MAX_TOKENS + 1];
    int n = tokenize(line, tok);
    if (n < 0) {
        snprintf(err, (size_t)err_len, "too many fields");
        return -1;
    }
    if (n == 0) return 0;
    memset(ev, 0, sizeof *ev);
    int c = parse_head(tok, n, ev, err, err_len);
    if (c < 0) return -1;
    switch (ev->kind) {
    case APP_EV_QUIT:
    case APP_EV_SETTLE: return 1;
    case APP_EV_WHEEL:
    case APP_EV_KEY:
    case APP_EV_SCREENSHOT:
    case APP_EV_STEPS:
    case APP_EV_HOVER:
    case APP_EV_DROP:
    case APP_EV_TYPE: return parse_single(tok[2], ev, err, err_len);
    default: return parse_coords(tok + 2, ev, err, err_len);
    }
}

int app_script_parse(AppScript *s, const char *buf, size_t len, const char *name, char *err,
                     int err_len) {
    s->ev = NULL;
    s->n = 0;
    int cap = 0, line_no = 0;
    char line[MAX_LINE + 1];
    char msg[160];
    size_t pos = 0;
    AppScriptEvent ev;
    char *pending = NULL;
    while (pos < len) {
        line_no++;
        size_t end = pos;
        while (end < len && buf[end] != '\n')
            end++;
        size_t n = end - pos;
        if (n > MAX_LINE) {
            snprintf(msg, sizeof msg, "line longer than %d bytes", MAX_LINE);
            goto fail;
        }
        if (memchr(buf + pos, 0, n)) {
            snprintf(msg, sizeof msg, "NUL byte in line");
            goto fail;
        }
        memcpy(line, buf + pos, n);
        line[n] = 0;
        pos = end + 1;
        int r = parse_line(line, &ev, msg, (int)sizeof msg);
        if (r < 0) goto fail;
        if (r == 0) continue;
        pending = ev.text;
        ev.line = line_no;
        if (s->n > 0 && ev.frame < s->ev[s->n - 1].frame) {
            snprintf(msg, sizeof msg, "frame %ld comes after frame %ld (frames must not decrease)",
                     ev.frame, s->ev[s->n - 1].frame);
            goto fail;
        }
        if (s->n == cap) {
            if (cap >= MAX_EVENTS) {
                snprintf(msg, sizeof msg, "more than %d events", MAX_EVENTS);
                goto fail;
            }
            int ncap = cap ? cap * 2 : 16;
            AppScriptEvent *p = realloc(s->ev, (size_t)ncap * sizeof *p);
            if (!p) {
                snprintf(msg, sizeof msg, "out of memory");
                goto fail;
            }
            s->ev = p;
            cap = ncap;
        }
        s->ev[s->n++] = ev;
        pending = NULL;
    }
    return 0;
fail:
    free(pending); /* the text of an event that did not make it into s */
    snprintf(err, (size_t)err_len, "%s:%d: %s", name, line_no, msg);
    app_script_free(s);
    return -1;
}

void app_script_free(AppScript *s) {
    for (int i = 0; i < s->n; i++)
        free(s->ev[i].text);
    free(s->ev);
    s->ev = NULL;
    s->n = 0;
}
