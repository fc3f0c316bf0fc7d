"""Command-line options that build a ``Scenario`` (for ``vlens-verify simulator``)."""

from __future__ import annotations

import argparse
from collections.abc import Sequence

from .scenario import IMAGE_LISTINGS, Fault, ForcedError, Scenario


def add_scenario_arguments(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("scenario (fault injection for demos and tests)")
    group.add_argument("--latency", type=float, default=0.0, metavar="S",
                       help="seconds added to every request")
    group.add_argument("--fail", action="append", default=[], metavar="PATH:STATUS[:TIMES[:RA]]",
                       help="answer requests whose path contains PATH with HTTP STATUS, TIMES "
                            "times (default 1), with Retry-After RA; repeatable, used in order")
    group.add_argument("--html", action="append", default=[], metavar="PATH",
                       help="answer the next request to PATH with an HTML page")
    group.add_argument("--stall", action="append", default=[], metavar="PATH:SECONDS",
                       help="sleep before answering the next request to PATH")
    group.add_argument("--force", action="append", default=[], metavar="STEP:CODE[:HTTP]",
                       help="always answer STEP (id_front, id_back, liveness, link) with "
                            "Vlens error CODE (HTTP status default 200)")
    group.add_argument("--token-ttl", type=float, default=86400.0, metavar="S",
                       help="seconds a service token stays valid")
    group.add_argument("--image-listing", choices=IMAGE_LISTINGS, default="documented",
                       help="what GetUserDigitalIdentityImages says about the transaction: "
                            "nothing (documented), its id, or its id in every file name")
    for flag, help_text in (
        ("--aml-match", "report an AML list match"),
        ("--spoof", "report a presentation attack on liveness"),
        ("--src-invalid", "report an invalid authority (SRC) record"),
        ("--authority-unverified", "complete, but isDigitalIdentityVerified false"),
        ("--validation-errors", "report a validation error on the ID front"),
        ("--services-in-data", "nest `services` inside `data`"),
        ("--lowercase-keys", "use lower-case service keys (validations, aml, src)"),
        ("--no-image-checks", "skip card and face detection"),
        ("--rate-limit", "answer 429 beyond 10 requests/s or 60/min, as Vlens does"),
    ):
        group.add_argument(flag, action="store_true", help=help_text)


def scenario_from_args(args: argparse.Namespace) -> Scenario:
    faults: list[Fault] = []
    for spec in args.fail:
        path, status, *rest = spec.split(":")
        times = int(rest[0]) if rest else 1
        retry_after = rest[1] if len(rest) > 1 else None
        faults.append(Fault(path, status=int(status), times=times, retry_after=retry_after))
    faults += [Fault(path, status=200, html=True) for path in args.html]
    for spec in args.stall:
        path, seconds = spec.rsplit(":", 1)
        faults.append(Fault(path, status=None, delay_s=float(seconds)))
    forced = {}
    for spec in args.force:
        step, code, *http = spec.split(":")
        forced[step] = ForcedError(int(code), http_status=int(http[0]) if http else 200)
    return Scenario(
        latency_s=args.latency, faults=tuple(faults), token_ttl_s=args.token_ttl,
        forced_errors=forced, aml_match=args.aml_match, spoof=args.spoof,
        src_invalid=args.src_invalid, authority_unverified=args.authority_unverified,
        validation_errors=args.validation_errors, services_in_data=args.services_in_data,
        lowercase_keys=args.lowercase_keys, check_images=not args.no_image_checks,
        rate_limit=args.rate_limit, image_listing=args.image_listing,
    )


def parse_scenario(argv: Sequence[str]) -> Scenario:
    """A ``Scenario`` from command-line style options (``--fail verify/id/front:503``...)."""
    parser = argparse.ArgumentParser(add_help=False)
    add_scenario_arguments(parser)
    return scenario_from_args(parser.parse_args(list(argv)))
