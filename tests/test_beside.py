"""speed/beside.py: the gate on the search index's processes while the pages render, and the thread."""

from __future__ import annotations

import threading
import time

import pytest

from site_builder.speed.beside import Beside, Closed, Gate


def test_a_gate_of_width_one_lets_one_in_until_it_is_opened():
    gate, inside, most = Gate(1), [0], [0]
    lock = threading.Lock()

    def enter():
        with gate:
            with lock:
                inside[0] += 1
                most[0] = max(most[0], inside[0])
            time.sleep(0.05)
            with lock:
                inside[0] -= 1

    def four_at_once() -> None:
        threads = [threading.Thread(target=enter) for _ in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

    four_at_once()
    assert most[0] == 1
    gate.open()
    four_at_once()
    assert most[0] == 4


def lets_in_once_opened(gate: Gate) -> None:
    """A thread waiting at the gate gets in when the gate is opened, not before."""
    entered = threading.Event()
    waiting = threading.Thread(target=lambda: (gate.__enter__(), entered.set()))
    waiting.start()
    assert not entered.wait(0.1)
    gate.open()
    assert entered.wait(5)
    waiting.join()


def test_an_opened_gate_lets_in_those_already_waiting():
    gate = Gate(1)
    gate.__enter__()
    lets_in_once_opened(gate)


def test_a_closed_gate_stops_those_waiting_and_those_to_come():
    gate, stopped = Gate(1), []
    gate.__enter__()

    def enter():
        try:
            with gate:
                pass
        except Closed:
            stopped.append(True)

    waiting = threading.Thread(target=enter)
    waiting.start()
    time.sleep(0.05)
    gate.close()
    waiting.join(5)
    assert stopped == [True]
    with pytest.raises(Closed):
        gate.__enter__()


def test_beside_gives_the_work_result_or_raises_its_error_in_the_caller():
    work = Beside(lambda: [1, 2])
    work.start()
    assert work.result() == [1, 2]

    def fail():
        raise ValueError("no index")

    failing = Beside(fail)
    failing.start()
    failing.wait()
    with pytest.raises(ValueError, match="no index"):
        failing.result()


def test_a_gate_of_width_nought_lets_none_in_until_it_is_opened():
    lets_in_once_opened(Gate(0))
