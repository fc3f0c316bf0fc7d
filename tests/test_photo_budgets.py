"""Photo uploads are checked against their budgets before decoding (docs/security.md).

The bombs are the ones of the security review: a 249 KB RGBA PNG and a 187 KB RGB PNG of
7999 x 7999, a 187 KB deflate TIFF of the same size, plus the largest pictures still accepted.
Each is decoded and encoded in a child process, as the app's upload does, and the child's peak
resident memory is measured: the whole process must stay under ``PHOTO_PEAK_MB``.
"""

from __future__ import annotations

import io
import subprocess
import sys
import threading
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from components.capture import decode
from components.capture.decode import (
    MAX_PHOTO_BYTES,
    ImageInputError,
    decode_upload,
    large_decode,
)
from components.cli import main
from tests import imagery
from tests.bombs import png_bomb, run_measured, tiff_bomb

PHOTO_PEAK_MB = 400  # the target of issue 10: peak RSS of the whole process, any photo


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("hostile")
    files = {
        "rgba.png": png_bomb(7999, 7999, alpha=True),
        "rgb.png": png_bomb(7999, 7999, alpha=False),
        "deflate.tiff": tiff_bomb(7999, 7999),
        "largest.png": png_bomb(4999, 4999, alpha=True),  # 25 MP: accepted
    }
    for name, data in files.items():
        (folder / name).write_bytes(data)
    # 64 MP JPEG, made in a child so this process never holds its 192 MB of pixels.
    subprocess.run([sys.executable, "-m", "tests.bombs", "jpeg", str(folder / "64mp.jpg"),
                    "8000", "8000"], check=True, cwd=Path(__file__).parents[1])
    for i, seed in enumerate((1, 2, 3), start=1):
        (folder / f"face{i}.jpg").write_bytes(imagery.jpeg(imagery.face_frame(seed=seed)))
    return {name: folder / name for name in [*files, "64mp.jpg", "face1.jpg", "face2.jpg",
                                             "face3.jpg"]}


@pytest.mark.parametrize("name", ["rgba.png", "rgb.png", "deflate.tiff"])
def test_a_decompression_bomb_is_refused_from_its_header_with_little_memory(
    hostile: dict[str, Path], name: str
) -> None:
    assert hostile[name].stat().st_size < 260_000
    run = run_measured("tests.bombs", "decode", str(hostile[name]))
    assert run.stdout.startswith("refused: This picture is too large (7999x7999)"), run.stderr
    assert "Please upload a photo under 25 megapixels" in run.stdout
    assert run.peak_mb < PHOTO_PEAK_MB


def test_the_largest_png_accepted_is_decoded_smaller_and_within_the_memory_target(
    hostile: dict[str, Path],
) -> None:
    run = run_measured("tests.bombs", "decode", str(hostile["largest.png"]))
    assert run.stdout.strip() == "decoded 2499x2499", run.stderr  # reduced by 2 in both sides
    assert run.peak_mb < PHOTO_PEAK_MB


def test_a_64_megapixel_jpeg_is_decoded_at_half_its_sides_within_the_memory_target(
    hostile: dict[str, Path],
) -> None:
    run = run_measured("tests.bombs", "decode", str(hostile["64mp.jpg"]))
    assert run.stdout.strip() == "decoded 4000x4000", run.stderr
    assert run.peak_mb < PHOTO_PEAK_MB


def test_a_file_over_the_photo_size_limit_is_refused_before_opening() -> None:
    with pytest.raises(ImageInputError, match=r"too large .* under 30 MB"):
        decode_upload(b"\xff\xd8" + bytes(MAX_PHOTO_BYTES))


def test_shrinking_strip_by_strip_gives_pillows_own_reduction(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(decode, "DECODE_TARGET_PIXELS", 300_000)
    rgba = np.random.default_rng(0).integers(0, 256, (1201, 1003, 4), dtype=np.uint8)
    buffer = io.BytesIO()
    Image.fromarray(rgba, "RGBA").save(buffer, "PNG", compress_level=1)
    result = decode_upload(buffer.getvalue())
    reference = Image.fromarray(rgba, "RGBA").reduce(3)
    ground = Image.new("RGB", reference.size, (255, 255, 255))
    ground.paste(reference, mask=reference)
    expected = np.asarray(ground)[: result.shape[0], : result.shape[1], ::-1]
    assert result.shape == (400, 334, 3)
    assert np.array_equal(result, expected)


def test_a_second_large_decode_waits_for_the_first_then_asks_to_retry(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(decode, "LARGE_DECODE_WAIT_S", 0.2)
    photo = imagery.jpeg(imagery.card_in_frame(imagery.id_card_front(), 4032, 3024))
    outcome: list[object] = []
    with large_decode(decode.LARGE_DECODE_BYTES + 1):  # another visitor's decode holds the slot
        worker = threading.Thread(target=lambda: outcome.append(_try_decode(photo)))
        worker.start()
        worker.join(5)
    assert isinstance(outcome[0], ImageInputError) and "try again" in str(outcome[0])
    assert decode_upload(photo).shape == (3024, 4032, 3)  # once free, the same photo decodes


def _try_decode(data: bytes) -> object:
    try:
        return decode_upload(data)
    except ImageInputError as exc:
        return exc


def test_the_cli_refuses_a_bomb_with_little_memory(hostile: dict[str, Path]) -> None:
    faces = [str(hostile[f"face{i}.jpg"]) for i in (1, 2, 3)]
    run = run_measured("components.cli", "files", "--front", str(hostile["rgba.png"]),
                       "--back", str(hostile["face1.jpg"]), "--faces", *faces, "--demo")
    assert run.exit_code == 2
    assert "id_front" in run.stderr and "too large (7999x7999)" in run.stderr
    assert run.peak_mb < PHOTO_PEAK_MB


def test_the_cli_reads_an_endless_file_only_up_to_the_limit() -> None:
    run = run_measured("components.cli", "files", "--front", "/dev/zero", "--back", "/dev/zero",
                       "--faces", "/dev/zero", "/dev/zero", "/dev/zero", "--demo", timeout=60)
    assert run.exit_code == 2
    assert "id_front: /dev/zero is larger than 30 MB" in run.stderr
    assert run.peak_mb < PHOTO_PEAK_MB


@pytest.mark.parametrize(("args", "message"), [
    (["files", "--front", "f", "--back", "b", "--faces", "1", "2", "3", "--card-budget", "0"],
     "the card budget must be between 2000 and 5000000"),
    (["simulator", "--port", "99999"], "the port must be between 0 and 65535"),
])
def test_out_of_range_cli_numbers_are_usage_errors(
    args: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exited:
        main(args)
    assert exited.value.code == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err
