/* Every tool of the explorer, once: X(x) is the tool app_tool_x (engine/tool_x.c) with its
 * view app_view_x (src/app/view_x.c). Adding a tool is its files and a line here. The
 * order is the order input reaches them (the window's keys first), they update (the plane
 * places the cursor before anything decodes it) and they draw (the scatter, then the
 * layers over it, then the marks). */
#ifndef APP_TOOL_LIST_H
#define APP_TOOL_LIST_H

#define APP_TOOLS(X)                                                                               \
    X(fork)     /* forks of a model with one setting changed (a menu: first when open) */          \
    X(draw)     /* the user's own digit: drawn, dropped or typed (a path: keys first) */           \
    X(replay)   /* the timeline: scrub, play, trails; the recording's exports */                   \
    X(window)   /* help, quit, screenshot, save */                                                 \
    X(compare)  /* which models the panes show */                                                  \
    X(train)    /* training commands; the status */                                                \
    X(losses)   /* the loss curves */                                                              \
    X(axes)     /* the latent dimensions on the plane's axes, and the others' values */            \
    X(plane)    /* the view: fit, zoom, pan; the scatter, axes, prior, legend */                   \
    X(grid)     /* the manifold grid */                                                            \
    X(mapq)     /* the aggregate posterior q(z) against the prior */                               \
    X(prior)    /* generation: codes from the prior through every model */                         \
    X(interp)   /* interpolation between two images or two points */                               \
    X(hover)    /* the image under the pointer: its ring, reconstructions, posterior */            \
    X(repair)   /* the drawn or hovered image corrupted, reconstructed and inpainted */            \
    X(attr)     /* attribute vectors between two groups, applied to the hovered image */           \
    X(traverse) /* per-dimension traversals of the hovered image's code, by KL */                  \
    X(cursor)   /* the code under the pointer, decoded */

#endif
