"""The live preview (`site-builder serve`): server.py serves app.py's answers; watch.py rebuilds on each
save through session.py, which loads (load_steps.py) and renders (renderer.py) only what changed since
the last rebuild, knowing it from what each step read (speed/reads.py)."""
