"""The terminal progress bar of import_data: redrawn in place on a terminal, silent when piped."""

import io

from imports.progress import ProgressBar


class Terminal(io.StringIO):
    def isatty(self):
        return True


def test_on_a_terminal_the_bar_is_redrawn_in_place_with_the_share_done():
    terminal = Terminal()
    bar = ProgressBar(terminal, width=10, every=0)
    for done in (0, 5_425, 10_850):
        bar(done, 10_850)
    bar.close()
    assert terminal.getvalue() == "\r[..........]   0%\r[#####.....]  50%\r[##########] 100%\n"


def test_piped_the_bar_writes_nothing():
    piped = io.StringIO()
    bar = ProgressBar(piped, every=0)
    bar(1, 2)
    bar.close()
    assert piped.getvalue() == ""
