#!/usr/bin/env python3
"""Polyglot check: a Python gRPC client of socialcheck, generated from the project's own .proto.

    /usr/bin/python3 integration-tests/src/test/python/client.py 127.0.0.1:50051

Runs the demo-catalog scenario against a running server (`./socialcheck serve`, any
--demo-time-scale) and prints what it got. Exit status: 0 every check passed, 1 some check got
something else (each mismatch is printed), 2 bad usage or missing tools.

Needs Debian's python3-grpcio and python3-grpc-tools, which only Debian's own /usr/bin/python3 sees
(integration-tests/setup-polyglot.sh installs them). The stubs are generated at start, into a
temporary folder, from proto/src/main/protobuf/socialcheck/v1/socialcheck.proto and the standard
health.proto in integration-tests/src/test/proto.
"""

import argparse
import importlib
import os
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.normpath(os.path.join(HERE, "..", "..", "..", ".."))
DEFAULT_PROTO_DIR = os.path.join(REPO, "proto", "src", "main", "protobuf")
# google/rpc/status.proto, imported by the contract (see proto/buf.yaml).
THIRD_PARTY_PROTO_DIR = os.path.join(REPO, "proto", "src", "main", "third_party")
DEFAULT_HEALTH_PROTO_DIR = os.path.join(REPO, "integration-tests", "src", "test", "proto")
SETUP_HINT = "run integration-tests/setup-polyglot.sh once (installs python3-grpcio python3-grpc-tools)"

# Generous per-call deadline: the slowest demo answer takes 5 s at time scale 1.
CALL_TIMEOUT_S = 30.0

try:
    import grpc
    from grpc_tools import protoc
except ImportError as e:
    print(f"python client: cannot import gRPC ({e}) with {sys.executable}: {SETUP_HINT}; "
          "use Debian's /usr/bin/python3 (PYENV_VERSION=system), not a pyenv or venv python",
          file=sys.stderr)
    sys.exit(2)


class Mismatch(Exception):
    """A check got something other than what the demo catalog must answer."""


def expect(what, got, want):
    if got != want:
        raise Mismatch(f"{what}: expected {want!r}, got {got!r}")


def expect_rpc_error(what, call, want_code):
    """Runs call(), which must fail with the status code want_code."""
    try:
        got = call()
    except grpc.RpcError as e:
        expect(f"{what}: status code", e.code().name, want_code.name)
        return e
    raise Mismatch(f"{what}: expected {want_code.name}, got a response: {got!r}")


def generate_stubs(proto_dir, health_proto_dir, out_dir):
    """grpc_tools.protoc, in-process; google/protobuf/*.proto come with grpc_tools."""
    well_known = os.path.join(os.path.dirname(protoc.__file__), "_proto")
    rc = protoc.main([
        "grpc_tools.protoc",
        f"-I{proto_dir}",
        f"-I{THIRD_PARTY_PROTO_DIR}",
        f"-I{health_proto_dir}",
        f"-I{well_known}",
        f"--python_out={out_dir}",
        f"--grpc_python_out={out_dir}",
        "socialcheck/v1/socialcheck.proto",
        "google/rpc/status.proto",
        "health.proto",
    ])
    if rc != 0:
        raise SystemExit(f"python client: protoc failed (exit {rc}) on {proto_dir}")
    sys.path.insert(0, out_dir)
    return (importlib.import_module("socialcheck.v1.socialcheck_pb2"),
            importlib.import_module("socialcheck.v1.socialcheck_pb2_grpc"),
            importlib.import_module("health_pb2"),
            importlib.import_module("health_pb2_grpc"))


class Checks:
    def __init__(self, channel, pb, pb_grpc, health_pb, health_grpc):
        self.pb = pb
        self.health_pb = health_pb
        self.stub = pb_grpc.SocialAccountServiceStub(channel)
        self.health = health_grpc.HealthStub(channel)
        self.facebook_timeout_s = None  # from ListPlatforms

    def results(self, results):
        """[(platform, status name)] of PlatformResults, in the order received."""
        return [(r.platform, self.pb.PlatformStatus.Name(r.status)) for r in results]

    def health_serving(self):
        response = self.health.Check(self.health_pb.HealthCheckRequest(), timeout=CALL_TIMEOUT_S)
        status = self.health_pb.HealthCheckResponse.ServingStatus.Name(response.status)
        print(f"  health: {status}")
        expect("health status", status, "SERVING")

    def list_platforms(self):
        response = self.stub.ListPlatforms(self.pb.ListPlatformsRequest(), timeout=CALL_TIMEOUT_S)
        ids = [p.id for p in response.platforms]
        print(f"  platforms: {ids}")
        expect("platform ids, likeliest first", ids, ["facebook", "twitter", "github"])
        self.facebook_timeout_s = next(p.timeout for p in response.platforms
                                       if p.id == "facebook").ToTimedelta().total_seconds()

    def race_found_on_github(self):
        response = self.stub.HasSocialAccount(
            self.pb.HasSocialAccountRequest(email="user@email.com"), timeout=CALL_TIMEOUT_S)
        verdict = self.pb.Verdict.Name(response.verdict)
        results = self.results(response.results)
        print(f"  verdict: {verdict} found_on={response.found_on!r} results={results}")
        expect("verdict", verdict, "VERDICT_FOUND")
        expect("has_account", response.has_account, True)
        expect("found_on", response.found_on, "github")
        expect("results (likeliest first)", results, [
            ("facebook", "PLATFORM_STATUS_CANCELLED"),
            ("twitter", "PLATFORM_STATUS_CANCELLED"),
            ("github", "PLATFORM_STATUS_FOUND"),
        ])

    def nobody_not_found(self):
        response = self.stub.HasSocialAccount(
            self.pb.HasSocialAccountRequest(email="user+nobody@email.com"), timeout=CALL_TIMEOUT_S)
        verdict = self.pb.Verdict.Name(response.verdict)
        results = self.results(response.results)
        print(f"  verdict: {verdict} found_on={response.found_on!r} results={results}")
        expect("verdict", verdict, "VERDICT_NOT_FOUND")
        expect("has_account", response.has_account, False)
        expect("found_on", response.found_on, "")
        expect("results", results, [
            ("facebook", "PLATFORM_STATUS_NOT_FOUND"),
            ("twitter", "PLATFORM_STATUS_NOT_FOUND"),
            ("github", "PLATFORM_STATUS_NOT_FOUND"),
        ])

    def check_each_in_completion_order(self):
        stream = self.stub.CheckEach(
            self.pb.CheckEachRequest(email="user@email.com"), timeout=CALL_TIMEOUT_S)
        results = self.results(message.result for message in stream)
        print(f"  stream: {results}, then {stream.code().name}")
        expect("CheckEach results, in completion order", results, [
            ("github", "PLATFORM_STATUS_FOUND"),
            ("twitter", "PLATFORM_STATUS_NOT_FOUND"),
            ("facebook", "PLATFORM_STATUS_FOUND"),
        ])
        expect("CheckEach final status", stream.code().name, "OK")

    def invalid_email(self):
        e = expect_rpc_error(
            "HasSocialAccount with a malformed address",
            lambda: self.stub.HasSocialAccount(
                self.pb.HasSocialAccountRequest(email="not-an-address"), timeout=CALL_TIMEOUT_S),
            grpc.StatusCode.INVALID_ARGUMENT)
        print(f"  HasSocialAccount: {e.code().name}: {e.details()}")

        def check_each():
            return list(self.stub.CheckEach(
                self.pb.CheckEachRequest(email="not-an-address"), timeout=CALL_TIMEOUT_S))

        e = expect_rpc_error("CheckEach with a malformed address", check_each,
                             grpc.StatusCode.INVALID_ARGUMENT)
        print(f"  CheckEach: {e.code().name}: {e.details()}")

    def deadline_exceeded(self):
        # SEQUENTIAL on facebook alone answers after half of facebook's timeout (5 s of 10 s in the
        # demo catalog, times the server's --demo-time-scale): a deadline of a fifth of that
        # timeout passes first, at any time scale.
        if self.facebook_timeout_s is None:
            raise Mismatch("needs facebook's timeout from ListPlatforms, which failed")
        deadline_s = self.facebook_timeout_s / 5
        request = self.pb.HasSocialAccountRequest(
            email="user@email.com", strategy=self.pb.STRATEGY_SEQUENTIAL, platforms=["facebook"])
        e = expect_rpc_error(
            f"HasSocialAccount with a {deadline_s * 1000:.0f} ms deadline",
            lambda: self.stub.HasSocialAccount(request, timeout=deadline_s),
            grpc.StatusCode.DEADLINE_EXCEEDED)
        print(f"  deadline {deadline_s * 1000:.0f} ms: {e.code().name}")

    def check_many(self):
        # Items go in on one stream; answers come back by id, in completion order, and a malformed
        # address is an item error (INVALID_ARGUMENT, as HasSocialAccount says it) that does not
        # end the stream.
        items = [
            self.pb.CheckManyRequest(id="found", email="user@email.com"),
            self.pb.CheckManyRequest(id="bad", email="not-an-address"),
            self.pb.CheckManyRequest(id="nobody", email="user+nobody@email.com"),
        ]
        stream = self.stub.CheckMany(iter(items), timeout=CALL_TIMEOUT_S)
        answers = {}
        for answer in stream:
            if answer.WhichOneof("outcome") == "error":
                answers[answer.id] = ("error", answer.error.code, answer.error.message)
            else:
                answers[answer.id] = (self.pb.Verdict.Name(answer.response.verdict),
                                      answer.response.found_on)
        print(f"  answers: {answers}, then {stream.code().name}")
        expect("CheckMany answered ids", sorted(answers), ["bad", "found", "nobody"])
        expect("answer of found", answers["found"], ("VERDICT_FOUND", "github"))
        expect("answer of nobody", answers["nobody"], ("VERDICT_NOT_FOUND", ""))
        invalid_argument = grpc.StatusCode.INVALID_ARGUMENT.value[0]  # 3
        expect("item error of bad", answers["bad"], ("error", invalid_argument, "email has no '@'"))
        expect("CheckMany final status", stream.code().name, "OK")

    def cancel_mid_stream(self):
        # user+slow: twitter answers at 0.3 T and facebook at 0.5 T, but github never does, so the
        # stream cannot end before github's timeout T (T = 10 s times the time scale): a wide
        # window to cancel in after the first result.
        stream = self.stub.CheckEach(
            self.pb.CheckEachRequest(email="user+slow@email.com"), timeout=CALL_TIMEOUT_S)
        first = self.results([next(stream).result])
        expect("first CheckEach result", first, [("twitter", "PLATFORM_STATUS_NOT_FOUND")])
        stream.cancel()
        e = expect_rpc_error("CheckEach after cancel()", lambda: list(stream),
                             grpc.StatusCode.CANCELLED)
        print(f"  got {first}, cancelled: {e.code().name}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("target", help="host:port of a running socialcheck server")
    parser.add_argument("--proto-dir", default=DEFAULT_PROTO_DIR,
                        help="folder holding socialcheck/v1/socialcheck.proto")
    parser.add_argument("--health-proto-dir", default=DEFAULT_HEALTH_PROTO_DIR,
                        help="folder holding health.proto")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="socialcheck-py-") as out_dir:
        modules = generate_stubs(args.proto_dir, args.health_proto_dir, out_dir)
        print(f"python client: grpcio {grpc.__version__}, target {args.target}")
        with grpc.insecure_channel(args.target) as channel:
            checks = Checks(channel, *modules)
            steps = [
                ("health is SERVING", checks.health_serving),
                ("ListPlatforms", checks.list_platforms),
                ("HasSocialAccount: found on github, the others cancelled", checks.race_found_on_github),
                ("HasSocialAccount: user+nobody is not found", checks.nobody_not_found),
                ("CheckEach: github, twitter, facebook", checks.check_each_in_completion_order),
                ("CheckMany: answers by id, an item error, then OK", checks.check_many),
                ("malformed address: INVALID_ARGUMENT", checks.invalid_email),
                ("deadline: DEADLINE_EXCEEDED", checks.deadline_exceeded),
                ("cancel CheckEach after the first result", checks.cancel_mid_stream),
                ("health is still SERVING", checks.health_serving),
            ]
            failed = []
            for name, step in steps:
                print(f"- {name}")
                try:
                    step()
                except Mismatch as e:
                    failed.append(name)
                    print(f"  MISMATCH: {e}")
                except grpc.RpcError as e:
                    failed.append(name)
                    print(f"  MISMATCH: unexpected RPC error {e.code().name}: {e.details()}")
                except Exception as e:  # a bug here or an odd answer: report it, go on
                    failed.append(name)
                    print(f"  MISMATCH: {type(e).__name__}: {e}")
    if failed:
        print(f"python client: FAILED {len(failed)} of {len(steps)} checks: {', '.join(failed)}")
        return 1
    print(f"python client: all {len(steps)} checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
