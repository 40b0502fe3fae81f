"""The load cache (site_builder/speed/load_cache.py): a build's load of a large site, read by
forked workers, keeps what each group of event files gave; the next build reads again only the
groups whose files, or whose inputs (settings, sources, code), changed. A hit must give exactly
what reading the files again gives, errors included."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from site_builder.speed import load_cache
from site_builder.content.load import load_site
from site_builder.speed.forked_load import ForkedReader
from site_builder.errors import ContentError

BENCHMARKS = Path(__file__).resolve().parent.parent / "benchmarks"
sys.path.insert(0, str(BENCHMARKS))
from generate_site import generate  # noqa: E402


@pytest.fixture
def big(tmp_path, monkeypatch) -> Path:
    monkeypatch.setenv("SITE_BUILDER_CACHE", str(tmp_path / "cache"))
    return generate(tmp_path / "site", events=120, sources=6)


def entries(cache: Path) -> set[str]:
    return {p.name for p in (cache / "load").glob("*.outcomes")}


def loaded(root: Path):
    """What the model holds, compared by value (the dataclasses' repr: every field)."""
    site = load_site(root, reader=ForkedReader(2))
    return repr((site.config, site.events, site.sources))


def uncached(root: Path, monkeypatch) -> str:
    with monkeypatch.context() as patch:
        patch.setenv("SITE_BUILDER_CACHE", "off")
        return loaded(root)


def test_a_warm_load_gives_the_site_a_cold_one_and_no_cache_give(big, tmp_path, monkeypatch):
    cold = loaded(big)
    made = entries(tmp_path / "cache")
    assert len(made) == load_cache.group_count(120)
    assert loaded(big) == cold == uncached(big, monkeypatch)
    assert entries(tmp_path / "cache") == made


def test_an_edited_event_is_read_again_with_its_group_only(big, tmp_path):
    loaded(big)
    before = entries(tmp_path / "cache")
    event = sorted((big / "content/events").glob("*.yaml"))[40]
    event.write_text(event.read_text().replace("title: ", "title: Revised ", 1))
    site = load_site(big, reader=ForkedReader(2))
    [edited] = [e for e in site.events if e.title.startswith("Revised ")]
    assert edited.id == event.stem
    assert len(entries(tmp_path / "cache") - before) == 1


def test_an_edited_source_verifies_every_event_again(big, tmp_path, monkeypatch):
    loaded(big)
    source = sorted((big / "content/sources").glob("*.md"))[0]
    text = source.read_text()
    # Cut the source's text after its first paragraph: the excerpts from the rest no longer match.
    head, body = text.split("\n---\n", 1)
    source.write_text(head + "\n---\n" + body.strip().split("\n\n")[0] + "\n")
    with pytest.raises(ContentError) as warm:
        loaded(big)
    with pytest.raises(ContentError) as cold:
        uncached(big, monkeypatch)
    assert warm.value.diagnostics == cold.value.diagnostics
    assert any("the quote is not in source 'source-00000'" in d.message for d in warm.value.diagnostics)


def test_changed_settings_miss_every_group(big, tmp_path):
    loaded(big)
    before = entries(tmp_path / "cache")
    config = big / "site.yaml"
    config.write_text(config.read_text().replace("title: ", "title: Renamed ", 1))
    load_site(big, reader=ForkedReader(2))
    assert len(entries(tmp_path / "cache") - before) == len(before)


def test_errors_come_back_from_the_cache_as_they_were_found(big, monkeypatch):
    event = sorted((big / "content/events").glob("*.yaml"))[7]
    event.write_text(event.read_text().replace("date: ", "date: 2025-02-30\nwas: ", 1))
    with pytest.raises(ContentError) as cold:
        loaded(big)
    with pytest.raises(ContentError) as warm:
        loaded(big)
    with pytest.raises(ContentError) as none:
        uncached(big, monkeypatch)
    assert cold.value.diagnostics == warm.value.diagnostics == none.value.diagnostics
    assert any(d.path == str(event) or d.path.endswith(event.name) for d in cold.value.diagnostics)


def test_a_damaged_entry_is_a_miss(big, tmp_path, monkeypatch):
    cold = loaded(big)
    for entry in (tmp_path / "cache" / "load").glob("*.outcomes"):
        data = bytearray(entry.read_bytes())
        data[len(data) // 2] ^= 0xFF
        entry.write_bytes(bytes(data))
    assert loaded(big) == cold


def test_other_code_misses_every_group(big, tmp_path, monkeypatch):
    loaded(big)
    before = entries(tmp_path / "cache")
    monkeypatch.setattr(load_cache, "_code_digest", lambda: b"another version of site-builder")
    load_site(big, reader=ForkedReader(2))
    assert len(entries(tmp_path / "cache") - before) == len(before)


def test_no_cache_is_written_when_it_is_off(big, tmp_path, monkeypatch):
    monkeypatch.setenv("SITE_BUILDER_CACHE", "off")
    load_site(big, reader=ForkedReader(2))
    assert not (tmp_path / "cache").exists()


def test_the_cache_keeps_at_most_its_share_of_entries(big, tmp_path, monkeypatch):
    monkeypatch.setattr(load_cache, "KEEP", 20)
    event = sorted((big / "content/events").glob("*.yaml"))[3]
    text = event.read_text()
    for n in range(8):
        event.write_text(text.replace("title: ", f"title: Take {n} ", 1))
        load_site(big, reader=ForkedReader(2))
    assert len(entries(tmp_path / "cache")) == 20
