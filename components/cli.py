"""``vlens-verify``: run a Vlens verification from the command line.

    vlens-verify files --front F --back B --faces F1 F2 F3 [--json]
                       [--secrets PATH | --demo | --demo-scenario NAME]
    vlens-verify video CLIP [--json] [--dry-run] [--steps front,back,face]
                       [--secrets PATH | --demo | --demo-scenario NAME]
    vlens-verify simulator [--port N]
    vlens-verify operator-hash [--name NAME]   (password from the terminal, never echoed)
    vlens-verify link --ref REF [--return-url URL] [--expires 24h] [--secrets PATH | --demo]

Exit codes: 0 verified, 1 completed but not verified, 2 bad input or usage,
3 service, auth or network failure. ``video --dry-run`` exits 0 when the clip yielded every
step asked for (``--steps``, default all three) and 1 naming the steps it did not.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tomllib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from components import operator_hash_cli
from components.vlens.config import VlensConfig, load_config
from components.vlens.errors import ConfigError

if TYPE_CHECKING:
    from components.capture.compress import EncodedImage
    from components.vlens.flow import StepEvent, VerificationImages, VerificationOutcome

EXIT_VERIFIED, EXIT_NOT_VERIFIED, EXIT_USAGE, EXIT_FAILURE = 0, 1, 2, 3


class UsageError(Exception):
    """Bad input or usage: shown on stderr, exit code 2."""


@dataclass(frozen=True)
class Target:
    config: VlensConfig
    demo: bool


# --- configuration ---------------------------------------------------------------------------

def resolve_target(secrets_path: str | None, demo: bool, demo_scenario: str | None = None
                   ) -> Target:
    """Where to send the verification: ``--demo`` (on the simulator of ``demo_scenario``,
    which implies it), ``--secrets``, the environment, or demo."""
    if demo_scenario is not None and secrets_path is not None:
        raise UsageError("--demo-scenario uses the built-in simulator; drop --secrets")
    if demo or demo_scenario is not None:
        return Target(_demo_config(demo_scenario), True)
    secrets: dict[str, Any] | None = None
    if secrets_path is not None:
        try:
            secrets = tomllib.loads(Path(secrets_path).read_text(encoding="utf-8"))
        except OSError as exc:
            raise UsageError(
                f"cannot read the secrets file {secrets_path}: {exc.strerror}"
            ) from None
        except tomllib.TOMLDecodeError:
            raise UsageError(f"the secrets file {secrets_path} is not valid TOML") from None
    try:
        config = load_config(secrets, os.environ)
    except ConfigError as exc:
        raise UsageError(str(exc)) from None
    if config is None:
        where = f"no [vlens] section in {secrets_path}" if secrets_path else (
            "no --secrets file and no VLENS_* environment variables")
        print(f"vlens-verify: {where}; using the built-in demo simulator (DEMO mode, fake data)",
              file=sys.stderr)
        return Target(_demo_config(), True)
    return Target(config, False)


def _demo_config(scenario: str | None = None) -> VlensConfig:
    from components.vlens.simulator import DEFAULT_DEMO_SCENARIO, demo_config

    return demo_config(scenario or DEFAULT_DEMO_SCENARIO)


# --- image preparation -----------------------------------------------------------------------

def encode_files(front: str, back: str, faces: Sequence[str], card_budget: int
                 ) -> dict[str, EncodedImage]:
    """Decode uploads (any size, JPEG/PNG/WebP...) and compress them to Vlens' budgets."""
    from components.capture.compress import FACE_MAX_BYTES, encode_jpeg_under
    from components.capture.decode import MAX_PHOTO_BYTES, ImageInputError, decode_upload

    roles = [("id_front", front, card_budget), ("id_back", back, card_budget)]
    roles += [(f"face_{i}", path, FACE_MAX_BYTES) for i, path in enumerate(faces, start=1)]
    encoded = {}
    for role, path, budget in roles:
        data = read_bounded(path, MAX_PHOTO_BYTES, role)
        try:
            encoded[role] = encode_jpeg_under(decode_upload(data), budget)
        except ImageInputError as exc:
            raise UsageError(f"{role} ({path}): {exc}") from None
    return encoded


def read_bounded(path: str, limit: int, role: str) -> bytes:
    """The file's bytes, reading at most ``limit`` + 1 of them (``/dev/zero`` never ends)."""
    try:
        with open(path, "rb") as file:
            data = file.read(limit + 1)
    except OSError as exc:
        raise UsageError(f"{role}: cannot read {path}: {exc.strerror}") from None
    if len(data) > limit:
        raise UsageError(f"{role}: {path} is larger than {limit // 1_000_000} MB")
    return data


def images_from(encoded: dict[str, EncodedImage]) -> VerificationImages:
    from components.vlens.flow import VerificationImages

    back = encoded.get("id_back")
    return VerificationImages(encoded["id_front"].jpeg, back.jpeg if back else None,
                              tuple(encoded[f"face_{i}"].jpeg for i in (1, 2, 3)))


def image_receipt(encoded: dict[str, EncodedImage], times: dict[str, float] | None = None
                  ) -> list[dict[str, Any]]:
    """What was (or would be) sent: sizes and hashes, never pixels."""
    rows = []
    for role, image in encoded.items():
        row: dict[str, Any] = {"role": role, "bytes": image.size, "width": image.width,
                               "height": image.height, "quality": image.quality,
                               "sha256": image.sha256}
        if times and role in times:
            row["t"] = round(times[role], 3)
        rows.append(row)
    return rows


# --- running ---------------------------------------------------------------------------------

def verify(target: Target, encoded: dict[str, EncodedImage], *, as_json: bool, language: str,
           extracted: bool = False, extra: dict[str, Any] | None = None) -> int:
    from components.vlens.client import VlensClient
    from components.vlens.flow import Verdict, run_verification
    from components.vlens.report import failure_kind, summary_lines

    images = images_from(encoded)
    progress: Callable[[StepEvent], None] | None = None if as_json else _print_progress
    if not as_json:
        where = "DEMO simulator" if target.demo else "Vlens"
        print(f"Verifying against {where} at {target.config.base_url}")
        for row in image_receipt(encoded):
            print(f"  {row['role']:<9} {row['width']}x{row['height']} q={row['quality']} "
                  f"{row['bytes'] / 1000:.0f} kB sha256 {row['sha256'][:16]}")
    with VlensClient(target.config, language) as client:
        outcome: VerificationOutcome = run_verification(
            client, images, get_extracted_data=extracted, on_step=progress)
    if as_json:
        document = {**outcome.to_dict(), "demo": target.demo,
                    "images": image_receipt(encoded), **(extra or {})}
        _emit(json.dumps(document, ensure_ascii=False, indent=2))
    else:
        _emit("\n".join(summary_lines(outcome, language)))
    if outcome.error is not None:
        print(f"vlens-verify: {failure_kind(outcome.error)} failure: {outcome.error}",
              file=sys.stderr)
    if outcome.verdict is Verdict.VERIFIED:
        return EXIT_VERIFIED
    return EXIT_FAILURE if outcome.verdict is Verdict.INCOMPLETE else EXIT_NOT_VERIFIED


def _emit(text: str) -> None:
    """Print the answer; a reader that went away (``--json | head``) is no error: the
    verification's exit code still says how it went."""
    try:
        print(text, flush=True)
    except BrokenPipeError:
        _silence_stdout()


def _silence_stdout() -> None:
    """Send later writes (and the interpreter's final flush) nowhere."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())


def _print_progress(event: StepEvent) -> None:
    if event.phase.value == "started":
        print(f"... {event.step.value}", file=sys.stderr, flush=True)


# --- subcommands -----------------------------------------------------------------------------

def cmd_files(args: argparse.Namespace) -> int:
    if len(args.faces) != 3:
        raise UsageError("--faces needs exactly three face pictures")
    encoded = encode_files(args.front, args.back, args.faces, args.card_budget)
    _refuse_identical_faces(encoded)
    target = resolve_target(args.secrets, args.demo, args.demo_scenario)
    return verify(target, encoded, as_json=args.json, language=args.language,
                  extracted=args.extracted)


def _refuse_identical_faces(encoded: dict[str, EncodedImage]) -> None:
    """Vlens refuses identical face frames (liveness needs three moments): say so before
    sending anything, naming the pictures."""
    seen: dict[str, str] = {}
    for role in ("face_1", "face_2", "face_3"):
        first = seen.setdefault(encoded[role].sha256, role)
        if first != role:
            raise UsageError(f"{first} and {role} are the same picture; the liveness check needs "
                             "three different frames taken within half a second")


def cmd_video(args: argparse.Namespace) -> int:
    try:
        from components.capture.package import package_captures
        from components.capture.video import capture_from_clip
    except ImportError:
        raise UsageError("video capture is not available in this installation") from None
    if not Path(args.clip).exists():
        raise UsageError(f"no such file: {args.clip} (give the path of a recorded video)")
    if not Path(args.clip).is_file():
        raise UsageError(f"{args.clip} is not a file (give the path of a recorded video)")
    steps = _clip_steps(args.steps)
    if not args.dry_run and len(steps) < len(set(_STEP_NAMES.values())):
        raise UsageError("a verification needs the front, the back and the face; "
                         "use --dry-run to check some steps only")
    try:
        clip = capture_from_clip(args.clip, steps)
    except (OSError, ValueError) as exc:
        raise UsageError(f"cannot use the clip {args.clip}: {exc}") from None
    package = package_captures(clip.state, card_budget_bytes=args.card_budget)
    encoded: dict[str, EncodedImage] = {}
    times: dict[str, float] = {}
    if package.id_front is not None:
        encoded["id_front"] = package.id_front
    if package.id_back is not None:
        encoded["id_back"] = package.id_back
    for i, (face, t) in enumerate(zip(package.faces, package.face_times, strict=False), start=1):
        encoded[f"face_{i}"] = face
        times[f"face_{i}"] = t
    clip_info = {"clip": str(args.clip), "frames": clip.frames,
                 "duration_s": round(clip.duration_s, 3), "hints_seen": list(clip.hints_seen),
                 "overridden": sorted(str(step) for step in package.overridden)}
    if args.dry_run:
        captures = image_receipt(encoded, times)
        not_captured = [str(step) for step in steps if not clip.state.captures.get(step)]
        if args.json:
            print(json.dumps({**clip_info, "captures": captures, "not_captured": not_captured},
                             indent=2))
        else:
            print(f"{args.clip}: {clip.frames} frames, {clip.duration_s:.1f} s")
            for row in captures:
                at = f" at t={row['t']:.3f} s" if "t" in row else ""
                print(f"  {row['role']:<9} {row['width']}x{row['height']} "
                      f"{row['bytes'] / 1000:.0f} kB{at}")
        if not_captured:
            print(f"vlens-verify: not captured: {', '.join(not_captured)}", file=sys.stderr)
            return EXIT_NOT_VERIFIED
        return EXIT_VERIFIED
    missing = [role for role in ("id_front", "id_back", "face_1", "face_2", "face_3")
               if role not in encoded]
    if missing:
        raise UsageError(_missing_captures(missing))
    target = resolve_target(args.secrets, args.demo, args.demo_scenario)
    return verify(target, encoded, as_json=args.json, language=args.language,
                  extracted=args.extracted,
                  extra={"clip": clip_info, "images": image_receipt(encoded, times)})


def _missing_captures(missing: list[str]) -> str:
    """What the clip lacked, in words (the roles stay in the message for scripts)."""
    faces = [role for role in missing if role.startswith("face_")]
    cards = [role for role in missing if not role.startswith("face_")]
    parts = []
    if cards:
        parts.append(f"no usable picture of the ID card ({', '.join(cards)})")
    if faces:
        parts.append(f"not three usable face frames ({', '.join(faces)}): show one face, "
                     "alone, facing the camera for a few seconds after the card")
    return ("the clip gave " + "; and ".join(parts)
            + ". The clip should show the ID front, then the back, then your face.")


_STEP_NAMES = {"front": "id_front", "id_front": "id_front", "back": "id_back",
               "id_back": "id_back", "face": "face"}


def _clip_steps(text: str | None) -> tuple[Any, ...]:
    """``--steps`` (e.g. "face" or "front,back") as capture steps, in the order given."""
    from components.capture.hints import DEFAULT_STEPS, Step

    if not text:
        return DEFAULT_STEPS
    names = [name.strip().lower() for name in text.split(",") if name.strip()]
    unknown = [name for name in names if name not in _STEP_NAMES]
    if unknown or not names:
        raise UsageError(f"unknown step {', '.join(unknown) or repr(text)}: "
                         "use front, back and face, separated by commas")
    steps = tuple(dict.fromkeys(Step(_STEP_NAMES[name]) for name in names))
    return steps


def cmd_simulator(args: argparse.Namespace) -> int:
    from components.vlens.simulator import Simulator
    from components.vlens.simulator.options import scenario_from_args

    try:
        scenario = scenario_from_args(args)
    except ValueError:
        raise UsageError("a scenario option is malformed; see --help for the formats") from None
    simulator = Simulator(scenario, host=args.host, port=args.port)
    try:
        base_url = simulator.start()
    except OSError as exc:
        raise UsageError(f"cannot listen on {args.host}:{args.port}: {exc.strerror}") from None
    s = scenario
    print(f"Vlens simulator listening on {base_url}", flush=True)
    print(f"demo credentials: api_key={s.api_key} tenancy_name={s.tenancy_name} "
          f"username={s.username} password={s.password}", flush=True)
    print("Press Ctrl+C to stop.", flush=True)
    try:
        simulator.serve_forever()
    except KeyboardInterrupt:
        simulator.stop()
    return EXIT_VERIFIED


# --- parser ----------------------------------------------------------------------------------

def _bounded_int(text: str, low: int, high: int, what: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{what} must be a whole number") from None
    if not low <= value <= high:
        raise argparse.ArgumentTypeError(f"{what} must be between {low} and {high}")
    return value


def card_budget(text: str) -> int:
    """``--card-budget``: bytes a card JPEG may take (Vlens refuses images over 5 MB)."""
    return _bounded_int(text, 2_000, 5_000_000, "the card budget")


def port_number(text: str) -> int:
    return _bounded_int(text, 0, 65_535, "the port")


def build_parser() -> argparse.ArgumentParser:
    from components.vlens.simulator import DEMO_SCENARIOS
    from components.vlens.simulator.options import add_scenario_arguments

    parser = argparse.ArgumentParser(
        prog="vlens-verify", description="Verify an Egyptian national ID and a face with Vlens.",
        epilog="Exit codes: 0 verified, 1 completed but not verified, 2 bad input or usage, "
               "3 service, auth or network failure.")
    commands = parser.add_subparsers(dest="command", required=True)

    def add_target_options(sub: argparse.ArgumentParser) -> None:
        sub.add_argument("--json", action="store_true", help="print one JSON object")
        sub.add_argument("--language", choices=("en", "ar"), default="en",
                         help="language of the messages (and of Accept-Language)")
        sub.add_argument("--extracted", action="store_true",
                         help="ask Vlens for the data read from the card (getExtractedData)")
        sub.add_argument("--card-budget", type=card_budget, default=1_000_000, metavar="BYTES",
                         help="maximum JPEG size of each card picture (default 1 MB; "
                              "2000 to 5000000)")
        source = sub.add_mutually_exclusive_group()
        source.add_argument("--secrets", metavar="PATH",
                            help="a secrets.toml with a [vlens] section (VLENS_* env overrides)")
        source.add_argument("--demo", action="store_true",
                            help="use the built-in simulator (fake data)")
        sub.add_argument("--demo-scenario", choices=list(DEMO_SCENARIOS), metavar="NAME",
                         help="use the built-in simulator answering as NAME (implies --demo): "
                              + ", ".join(DEMO_SCENARIOS))

    files = commands.add_parser("files", help="verify from picture files")
    files.add_argument("--front", required=True, help="picture of the ID front")
    files.add_argument("--back", required=True, help="picture of the ID back")
    files.add_argument("--faces", nargs="+", required=True, metavar="FACE",
                       help="three face pictures taken within half a second")
    add_target_options(files)
    files.set_defaults(handler=cmd_files)

    video = commands.add_parser("video", help="verify from a recorded clip")
    video.add_argument("clip", help="a video file showing the ID front, back, then the face")
    video.add_argument("--dry-run", action="store_true",
                       help="only list the captures the clip yields (exit 1 if a step is "
                            "missing)")
    video.add_argument("--steps", default=None,
                       help="steps the clip shows, in order, e.g. face or front,back "
                            "(default: front,back,face)")
    add_target_options(video)
    video.set_defaults(handler=cmd_video)

    sim = commands.add_parser("simulator", help="run the Vlens simulator in the foreground")
    sim.add_argument("--port", type=port_number, default=8765,
                     help="port (0 = any free port)")
    sim.add_argument("--host", default="127.0.0.1")
    add_scenario_arguments(sim)
    sim.set_defaults(handler=cmd_simulator)
    operator_hash_cli.add_command(commands)

    from components.integration.link_command import add_link_command

    add_link_command(commands, UsageError)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    code = EXIT_FAILURE
    try:
        code = int(args.handler(args))
        sys.stdout.flush()  # a closed pipe shows here, not in the interpreter's final flush
        return code
    except BrokenPipeError:  # any other output cut off by a reader that went away
        _silence_stdout()
        return code
    except UsageError as exc:
        print(f"vlens-verify: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("vlens-verify: interrupted", file=sys.stderr)
        return EXIT_FAILURE


if __name__ == "__main__":
    sys.exit(main())
