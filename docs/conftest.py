# docs/*.md and docs/tutorials/*.md are doctested by pytest (--doctest-glob='*.md'): the tutorials show
# executed output.  conf.py is Sphinx's configuration, not a test module.
collect_ignore = ["conf.py"]
