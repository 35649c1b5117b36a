"""The CLI's progress display (symkin.io.pipeline.Progress): silent for quick runs, and once shown it
lists the stages that finished before it appeared (the whole history of a slow run)."""
import io

from symkin.io.pipeline import Progress


def test_quick_run_stays_silent():
    out = io.StringIO()
    p = Progress(stream=out, delay=60.0)
    p.start("bands")
    p.done("bands")
    p.close()
    assert out.getvalue() == ""


def test_display_shows_earlier_stages_when_it_appears():
    out = io.StringIO()
    p = Progress(stream=out, delay=60.0)
    p.start("skew distribution")
    p.done("skew distribution", note=" (cached)")
    p.start("Fermi sea")
    p._reveal()                      # what the timer does after `delay` seconds
    p.done("Fermi sea")
    p.close()
    lines = out.getvalue().splitlines()
    assert [ln.split("] ", 1)[1] for ln in lines] == [
        "skew distribution done in 0.0 s (cached)", "Fermi sea ...", "Fermi sea done in 0.0 s",
        lines[-1].split("] ", 1)[1]]
    assert lines[-1].split("] ", 1)[1].startswith("finished (total")
