/* Server-side helpers: kernel shutdown on leaving, lost-connection notice. */
