"""The ``vlens-verify`` console script, run as a real subprocess on real picture files."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import cv2
import pytest

from components.vlens.simulator import Fault, Scenario, Simulator
from tests import imagery

REPO = Path(__file__).resolve().parents[1]


def run_cli(*args: str, env: dict[str, str] | None = None,
            timeout: float = 120) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("VLENS_")}
    return subprocess.run([sys.executable, "-m", "components.cli", *args], cwd=REPO,
                          env={**clean, **(env or {})}, capture_output=True, text=True,
                          timeout=timeout, check=False)


@pytest.fixture(scope="module")
def pictures(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Picture files as a user would have them: a 12 MP phone shot, JPEG, PNG and WebP."""
    folder = tmp_path_factory.mktemp("pictures")
    files = {
        "front": folder / "front.jpg",
        "back": folder / "back.jpg",
        "face1": folder / "face1.png",
        "face2": folder / "face2.webp",
        "face3": folder / "face3.jpg",
        "wall": folder / "wall.jpg",
        "text": folder / "notes.txt",
    }
    phone_shot = imagery.card_in_frame(imagery.id_card_front(), 4032, 3024)
    files["front"].write_bytes(imagery.jpeg(phone_shot, quality=95))
    files["back"].write_bytes(imagery.jpeg(imagery.card_in_frame(imagery.id_card_back())))
    cv2.imwrite(str(files["face1"]), imagery.face_frame(seed=1))
    cv2.imwrite(str(files["face2"]), imagery.face_frame(seed=2))
    files["face3"].write_bytes(imagery.jpeg(imagery.face_frame(seed=3)))
    files["wall"].write_bytes(imagery.jpeg(imagery.no_face_frame()))
    files["text"].write_text("not a picture")
    return files


def files_args(p: dict[str, Path], face2: str = "face2") -> list[str]:
    return ["files", "--front", str(p["front"]), "--back", str(p["back"]),
            "--faces", str(p["face1"]), str(p[face2]), str(p["face3"])]


def simulator_env(simulator: Simulator, **changes: str) -> dict[str, str]:
    config = simulator.demo_config()
    env = {"VLENS_BASE_URL": config.base_url, "VLENS_API_KEY": config.api_key,
           "VLENS_TENANCY_NAME": config.tenancy_name, "VLENS_USERNAME": config.username or "",
           "VLENS_PASSWORD": config.password or ""}
    return {**env, **changes}


def test_demo_json_verified(pictures: dict[str, Path]) -> None:
    done = run_cli(*files_args(pictures), "--demo", "--json", "--extracted")
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["verified"] is True and result["demo"] is True
    assert set(result["steps"]) == {"id_front", "id_back", "liveness"}
    for step in result["steps"].values():
        assert step["error_code"] is None and "services" in step and "data" in step
    assert set(result["request_ids"]) == {"id_front", "id_back", "liveness"}
    assert result["steps"]["id_front"]["data"]["idFrontData"]["name_english"] == "DEMO PERSON"
    sizes = {row["role"]: row["bytes"] for row in result["images"]}
    assert all(sizes[f"face_{i}"] < 500_000 for i in (1, 2, 3))
    assert sizes["id_front"] < 1_000_000  # the 12 MP photo was compressed under the card budget
    assert pictures["front"].stat().st_size > 1_000_000


def test_no_configuration_means_demo_said_on_stderr(pictures: dict[str, Path]) -> None:
    done = run_cli(*files_args(pictures))
    assert done.returncode == 0, done.stderr
    assert "demo" in done.stderr.lower()
    assert "Result: VERIFIED" in done.stdout
    assert "Liveness" in done.stdout and "liveness: passed" in done.stdout


def test_the_summary_is_in_arabic_with_language_ar(pictures: dict[str, Path]) -> None:
    done = run_cli(*files_args(pictures, face2="wall"), "--demo", "--language", "ar")
    assert done.returncode == 1, done.stderr
    assert "النتيجة: لم يتم التحقق" in done.stdout
    assert "وجه البطاقة" in done.stdout and "خطأ 4207" in done.stdout
    assert "الخطوة التالية:" in done.stdout
    assert not any(word in done.stdout for word in ("Result", "Next", "request", "ID front"))


def test_no_face_is_completed_but_not_verified(pictures: dict[str, Path]) -> None:
    done = run_cli(*files_args(pictures, face2="wall"), "--demo")
    assert done.returncode == 1, done.stderr
    assert "error 4207" in done.stdout and "Retake your face" in done.stdout


@pytest.mark.parametrize(("change", "message"), [
    ({"face2": "text"}, "face_2"),
    ({"back": "missing"}, "cannot read"),
])
def test_bad_input_exits_2(pictures: dict[str, Path], change: dict[str, str],
                           message: str) -> None:
    paths = {**pictures, "missing": pictures["back"].with_name("missing.jpg")}
    for role, replacement in change.items():
        paths[role] = paths[replacement]
    done = run_cli(*files_args(paths), "--demo")
    assert done.returncode == 2
    assert message in done.stderr and "Traceback" not in done.stderr


def test_usage_errors_exit_2(pictures: dict[str, Path], tmp_path: Path) -> None:
    assert run_cli("files", "--front", str(pictures["front"])).returncode == 2
    two_faces = run_cli("files", "--front", str(pictures["front"]), "--back",
                        str(pictures["back"]), "--faces", str(pictures["face1"]), "--demo")
    assert two_faces.returncode == 2 and "three" in two_faces.stderr
    incomplete = tmp_path / "secrets.toml"
    incomplete.write_text('[vlens]\nbase_url = "https://vlens.example"\napi_key = "k-SECRET"\n')
    done = run_cli(*files_args(pictures), "--secrets", str(incomplete))
    assert done.returncode == 2 and "tenancy_name" in done.stderr
    assert "k-SECRET" not in done.stderr + done.stdout


def test_service_failure_exits_3(pictures: dict[str, Path],
                                 start_simulator: Callable[..., Simulator]) -> None:
    simulator = start_simulator(Scenario(faults=(Fault("verify/id/back", status=500),)))
    done = run_cli(*files_args(pictures), "--json", env=simulator_env(simulator))
    assert done.returncode == 3
    assert "service failure" in done.stderr and "Traceback" not in done.stderr
    result = json.loads(done.stdout)
    assert result["verified"] is False and result["demo"] is False
    assert result["error"]["type"] == "VlensServiceError"


def test_auth_failure_exits_3(pictures: dict[str, Path], simulator: Simulator,
                              tmp_path: Path) -> None:
    secrets = tmp_path / "secrets.toml"
    config = simulator.demo_config()
    secrets.write_text(
        f'[vlens]\nbase_url = "{config.base_url}"\napi_key = "{config.api_key}"\n'
        f'tenancy_name = "{config.tenancy_name}"\nusername = "{config.username}"\n'
        'password = "wrong-Secret-77"\n')
    done = run_cli(*files_args(pictures), "--secrets", str(secrets))
    assert done.returncode == 3
    assert "auth failure" in done.stderr and "wrong-Secret-77" not in done.stderr + done.stdout


def test_network_failure_exits_3(pictures: dict[str, Path], simulator: Simulator) -> None:
    env = simulator_env(simulator)
    simulator.stop()  # nobody listens there any more
    done = run_cli(*files_args(pictures), env=env)
    assert done.returncode == 3
    assert "network failure" in done.stderr and "Traceback" not in done.stderr


def test_simulator_command_serves_until_stopped() -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "components.cli", "simulator", "--port", "0", "--aml-match"],
        cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert process.stdout is not None
        first_line = process.stdout.readline()
        assert first_line.startswith("Vlens simulator listening on http://127.0.0.1:")
        base_url = first_line.rsplit(" ", 1)[1].strip()
        import requests

        answer = requests.post(f"{base_url}/api/credentials/Login", timeout=10,
                               headers={"ApiKey": "demo-api-key", "TenancyName": "demo"},
                               json={"tenancyName": "demo",
                                     "userNameOrEmailAddress": "demo-operator",
                                     "password": "demo-password"})
        assert answer.status_code == 200 and answer.json()["data"]["accessToken"]
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_help_lists_exit_codes() -> None:
    done = run_cli("--help")
    assert done.returncode == 0
    assert "3 service, auth or network failure" in " ".join(done.stdout.split())


@pytest.fixture(scope="module")
def flow_clip(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A recorded clip: ID front, ID back, then a face (2 s each)."""
    from tests.clips import write_flow_clip

    return write_flow_clip(tmp_path_factory.mktemp("clips") / "flow.y4m", seconds_per_step=2.0)


@pytest.fixture(scope="module")
def crowded_clip(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Both card sides, then two faces side by side (1.5 s each): no face step can be taken."""
    from tests.clips import write_flow_clip

    return write_flow_clip(tmp_path_factory.mktemp("clips") / "two.y4m", seconds_per_step=1.5,
                           two_faces=True)


def test_video_dry_run_lists_captures_with_face_times(flow_clip: Path) -> None:
    done = run_cli("video", str(flow_clip), "--dry-run", "--json")
    assert done.returncode == 0, done.stderr
    listing = json.loads(done.stdout)
    roles = [row["role"] for row in listing["captures"]]
    assert roles == ["id_front", "id_back", "face_1", "face_2", "face_3"]
    times = [row["t"] for row in listing["captures"] if row["role"].startswith("face_")]
    assert times == sorted(times) and times[-1] - times[0] <= 0.5  # Vlens: within 0.5 s
    assert all("t" not in row for row in listing["captures"][:2])
    assert listing["frames"] > 0 and all(row["bytes"] < 500_000 for row in listing["captures"])


def test_video_verifies_in_demo(flow_clip: Path) -> None:
    done = run_cli("video", str(flow_clip), "--demo", "--json")
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["verified"] is True and result["clip"]["frames"] > 0
    assert [row["role"] for row in result["images"]][2:] == ["face_1", "face_2", "face_3"]


def test_video_without_usable_faces_or_video_exits_2(tmp_path: Path, crowded_clip: Path,
                                                     pictures: dict[str, Path]) -> None:
    done = run_cli("video", str(crowded_clip), "--demo")
    assert done.returncode == 2 and "face_1" in done.stderr
    assert "show one face, alone" in done.stderr
    assert "id_front" not in done.stderr  # the cards were captured; only the faces were not
    missing = run_cli("video", str(tmp_path / "nowhere.mp4"), "--demo")
    assert missing.returncode == 2 and "no such file" in missing.stderr
    not_video = run_cli("video", str(pictures["text"]), "--demo")
    assert not_video.returncode == 2 and "Traceback" not in not_video.stderr
    assert "video" in not_video.stderr.lower()


def test_identical_face_files_are_refused_before_anything_is_sent(
        pictures: dict[str, Path]) -> None:
    done = run_cli(*files_args(pictures, face2="face1"), "--demo")
    assert done.returncode == 2, done.stderr
    assert "face_1 and face_2 are the same picture" in done.stderr
    assert "Verifying against" not in done.stdout


def test_json_into_a_closed_pipe_ends_without_a_traceback(pictures: dict[str, Path]) -> None:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("VLENS_")}
    command = [sys.executable, "-m", "components.cli", *files_args(pictures), "--demo",
               "--json", "--extracted"]
    with subprocess.Popen(command, cwd=REPO, env=clean, stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, text=True) as process:
        assert process.stdout is not None and process.stderr is not None
        process.stdout.close()  # the reader is gone before the answer is printed (``| head``)
        stderr = process.stderr.read()
        process.wait(timeout=120)
    assert "Traceback" not in stderr and "BrokenPipe" not in stderr, stderr
    assert process.returncode == 0  # the verification's own exit code: verified


def test_video_dry_run_exits_1_naming_the_steps_it_did_not_capture(crowded_clip: Path) -> None:
    done = run_cli("video", str(crowded_clip), "--dry-run", "--json")
    assert done.returncode == 1 and "not captured: face" in done.stderr
    assert json.loads(done.stdout)["not_captured"] == ["face"]


def test_video_steps_option_checks_a_clip_of_some_steps_only(tmp_path: Path,
                                                             flow_clip: Path) -> None:
    from tests.clips import write_face_clip

    face = write_face_clip(tmp_path / "face.y4m", seconds=2.0)
    done = run_cli("video", str(face), "--dry-run", "--json", "--steps", "face")
    assert done.returncode == 0, done.stderr
    assert [row["role"] for row in json.loads(done.stdout)["captures"]] == [
        "face_1", "face_2", "face_3"]
    cards = run_cli("video", str(flow_clip), "--dry-run", "--json", "--steps", "front,back")
    assert cards.returncode == 0, cards.stderr
    assert [row["role"] for row in json.loads(cards.stdout)["captures"]] == [
        "id_front", "id_back"]


def test_video_steps_option_refuses_unknown_steps_and_partial_verification(
        flow_clip: Path) -> None:
    unknown = run_cli("video", str(flow_clip), "--dry-run", "--steps", "selfie")
    assert unknown.returncode == 2 and "unknown step selfie" in unknown.stderr
    partial = run_cli("video", str(flow_clip), "--demo", "--steps", "face")
    assert partial.returncode == 2 and "--dry-run" in partial.stderr
