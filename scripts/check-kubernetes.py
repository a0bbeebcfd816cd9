#!/usr/bin/env python3
"""Checks deploy/kubernetes/: every manifest against the Kubernetes API's schema
(kubernetes-validate --strict, for the newest Kubernetes version it knows), then the rules the
backup's Indexed Job lives by, which no schema can say:

  - the CronJob never runs two nights at once (concurrencyPolicy: Forbid), has a
    startingDeadlineSeconds and history limits;
  - its Job is Indexed, with completions == parallelism == the N of `--shards N` in the
    container's command (`ivy-archiver backup ... --shards N`), backoffLimitPerIndex and
    maxFailedIndexes (at most completions);
  - the pod knows its index: JOB_COMPLETION_INDEX from the annotation
    batch.kubernetes.io/job-completion-index (Kubernetes also sets it by itself in Indexed Jobs);
  - restartPolicy Never, and a podFailurePolicy that, read in order as Kubernetes reads it,
    fails the Job on exit 2 (configuration), counts exits 1 and 3 against the index's retries,
    and ignores exit 130 (SIGTERM) and pods with the DisruptionTarget condition;
  - the config comes read-only from a Secret; every container runs as non-root with a read-only
    root filesystem, no capabilities, no privilege escalation, seccomp RuntimeDefault, and has
    memory requests and limits.

Then it proves that it would notice: each of a few broken copies of the manifests (another
--shards, another parallelism, exit 2 counted, ...) must fail the check.

Usage: scripts/check-kubernetes.py [DIR]   (default deploy/kubernetes). Exit 0 when every check
holds, 1 with each failure named. Needs kubernetes-validate (pip install kubernetes-validate;
scripts/test.sh installs it when missing) and PyYAML (which it brings).
"""
import copy
import pathlib
import shlex
import sys

try:
    import kubernetes_validate
    import yaml
except ImportError as error:
    sys.exit(f"check-kubernetes: {error}: run `python3 -m pip install kubernetes-validate`")

CONTAINER = "ivy-archiver"
INDEX_ANNOTATION = "metadata.annotations['batch.kubernetes.io/job-completion-index']"


def load(folder):
    """Every document of every .yaml file, with the file it came from."""
    documents = []
    for path in sorted(pathlib.Path(folder).glob("*.yaml")):
        with open(path, encoding="utf-8") as handle:
            for document in yaml.safe_load_all(handle):
                if document is not None:
                    documents.append((path, document))
    return documents


def validate_schemas(documents):
    version = kubernetes_validate.latest_version()
    problems = []
    for path, document in documents:
        try:
            kubernetes_validate.validate(document, version, strict=True)
        except kubernetes_validate.ValidationError as error:
            where = ".".join(str(part) for part in error.path)
            problems.append(f"{path}: {document.get('kind')} does not validate against Kubernetes {version}: {where}: {error.message}")
        except Exception as error:  # an unknown kind or version: as much a failure
            problems.append(f"{path}: {document.get('kind')}: {error}")
    return version, problems


def option(argv, name):
    """The value of `--name V` or `--name=V` in argv, else None."""
    for index, word in enumerate(argv):
        if word == name and index + 1 < len(argv):
            return argv[index + 1]
        if word.startswith(name + "="):
            return word[len(name) + 1:]
    return None


def first_action(rules, exit_code=None, condition=None):
    """The action of the first rule that matches, as the Job controller reads them (in order)."""
    for rule in rules:
        on_exit = rule.get("onExitCodes")
        if exit_code is not None and on_exit:
            if on_exit.get("containerName") not in (None, CONTAINER):
                continue
            values = on_exit.get("values", [])
            matched = exit_code in values if on_exit.get("operator") == "In" else exit_code not in values
            if matched:
                return rule["action"]
        for pattern in rule.get("onPodConditions") or []:
            if condition is not None and pattern.get("type") == condition and pattern.get("status", "True") == "True":
                return rule["action"]
    return None


def check_rules(documents):
    """The Indexed Job's rules, as a list of failures (empty when all hold)."""
    failures = []

    def expect(condition, message):
        if not condition:
            failures.append(message)
        return condition

    cronjobs = [document for _, document in documents if document.get("kind") == "CronJob"]
    if not expect(len(cronjobs) == 1, f"expected one CronJob, found {len(cronjobs)}"):
        return failures
    cron = cronjobs[0]["spec"]
    expect(cron.get("concurrencyPolicy") == "Forbid", f"concurrencyPolicy is {cron.get('concurrencyPolicy')!r}, not Forbid")
    expect(isinstance(cron.get("startingDeadlineSeconds"), int), "the CronJob has no startingDeadlineSeconds")
    for limit in ("successfulJobsHistoryLimit", "failedJobsHistoryLimit"):
        expect(isinstance(cron.get(limit), int), f"the CronJob has no {limit}")

    job = cron["jobTemplate"]["spec"]
    expect(job.get("completionMode") == "Indexed", f"completionMode is {job.get('completionMode')!r}, not Indexed")
    completions, parallelism = job.get("completions"), job.get("parallelism")
    expect(isinstance(completions, int) and completions >= 1, f"completions is {completions!r}")
    expect(parallelism == completions, f"parallelism ({parallelism}) is not completions ({completions}): a shard would wait for another's pod")
    expect(isinstance(job.get("backoffLimitPerIndex"), int), "the Job has no backoffLimitPerIndex")
    failed = job.get("maxFailedIndexes")
    expect(isinstance(failed, int) and isinstance(completions, int) and 0 <= failed <= completions,
           f"maxFailedIndexes ({failed!r}) must be set, and at most completions ({completions})")

    pod = job["template"]["spec"]
    expect(pod.get("restartPolicy") == "Never", f"restartPolicy is {pod.get('restartPolicy')!r}, not Never (podFailurePolicy needs it)")
    containers = {container["name"]: container for container in pod.get("containers", [])}
    if not expect(CONTAINER in containers, f"no container named {CONTAINER}"):
        return failures
    container = containers[CONTAINER]
    argv = [str(word) for word in container.get("command", []) + container.get("args", [])]
    shown = shlex.join(argv)
    expect(len(argv) >= 2 and argv[0].rsplit("/", 1)[-1] == "ivy-archiver" and argv[1] == "backup",
           f"the container does not run `ivy-archiver backup ...`: {shown}")
    shards = option(argv, "--shards")
    expect(shards is not None and shards.isdigit() and int(shards) == completions,
           f"--shards ({shards}) is not completions ({completions}): shards would be skipped or run twice: {shown}")
    expect(option(argv, "--shard") is None, "--shard I/N fixes the index: use --shards N and JOB_COMPLETION_INDEX")
    expect(option(argv, "--config") is not None, f"no --config: {shown}")
    expect(option(argv, "--metrics-file") is not None, f"no --metrics-file: {shown}")

    env = {variable["name"]: variable for variable in container.get("env", [])}
    index = env.get("JOB_COMPLETION_INDEX")
    expect(index is not None and index.get("valueFrom", {}).get("fieldRef", {}).get("fieldPath") == INDEX_ANNOTATION,
           f"JOB_COMPLETION_INDEX is not given to the container from {INDEX_ANNOTATION}")

    rules = (job.get("podFailurePolicy") or {}).get("rules", [])
    for code, wanted in ((2, "FailJob"), (1, "Count"), (3, "Count"), (130, "Ignore")):
        action = first_action(rules, exit_code=code)
        expect(action == wanted, f"exit {code} leads to {action or 'the default (Count)'}, not {wanted}")
    action = first_action(rules, condition="DisruptionTarget")
    expect(action == "Ignore", f"a pod with the DisruptionTarget condition leads to {action or 'the default (Count)'}, not Ignore")

    # The config: a Secret, mounted read-only where --config points.
    config = option(argv, "--config") or ""
    volumes = {volume["name"]: volume for volume in pod.get("volumes", [])}
    mounts = [mount for mount in container.get("volumeMounts", []) if config.startswith(mount["mountPath"].rstrip("/") + "/")]
    mount = max(mounts, key=lambda mount: len(mount["mountPath"]), default=None)
    if expect(mount is not None, f"no volume is mounted where --config ({config}) is"):
        expect("secret" in volumes.get(mount["name"], {}), f"the config's volume {mount['name']} is not a Secret")
        expect(mount.get("readOnly") is True, f"the config's volume {mount['name']} is not mounted readOnly")

    pod_security = pod.get("securityContext", {})
    for each in pod.get("initContainers", []) + pod.get("containers", []):
        name, security = each["name"], each.get("securityContext", {})

        def setting(key):
            return security.get(key, pod_security.get(key))

        expect(setting("runAsNonRoot") is True, f"{name}: runAsNonRoot is not true")
        expect(isinstance(setting("runAsUser"), int) and setting("runAsUser") != 0, f"{name}: no non-zero runAsUser")
        expect(security.get("readOnlyRootFilesystem") is True, f"{name}: the root filesystem is not read-only")
        expect(security.get("allowPrivilegeEscalation") is False, f"{name}: allowPrivilegeEscalation is not false")
        expect("ALL" in (security.get("capabilities") or {}).get("drop", []), f"{name}: capabilities do not drop ALL")
        expect((setting("seccompProfile") or {}).get("type") == "RuntimeDefault", f"{name}: seccomp is not RuntimeDefault")
        resources = each.get("resources", {})
        expect("memory" in resources.get("requests", {}) and "memory" in resources.get("limits", {}),
               f"{name}: no memory request and limit")
    return failures


def broken_copies(documents):
    """Manifests with one mistake each, and what it is: the check must catch every one."""
    def job(documents):
        return next(document for _, document in documents if document.get("kind") == "CronJob")["spec"]["jobTemplate"]["spec"]

    def container(documents):
        return next(each for each in job(documents)["template"]["spec"]["containers"] if each["name"] == CONTAINER)

    def shards(documents):
        argv = container(documents)["command"]
        argv[argv.index("--shards") + 1] = str(int(argv[argv.index("--shards") + 1]) + 1)

    def parallelism(documents):
        job(documents)["parallelism"] = job(documents)["completions"] + 1

    def exit2_counted(documents):
        for rule in job(documents)["podFailurePolicy"]["rules"]:
            if 2 in (rule.get("onExitCodes") or {}).get("values", []):
                rule["action"] = "Count"

    def count_before_fail(documents):
        # A rule for every non-zero exit, first: it shadows the FailJob rule below it.
        rules = job(documents)["podFailurePolicy"]["rules"]
        rules.insert(0, {"action": "Count", "onExitCodes": {"containerName": CONTAINER, "operator": "NotIn", "values": [0]}})

    def no_index(documents):
        container(documents)["env"] = [each for each in container(documents)["env"] if each["name"] != "JOB_COMPLETION_INDEX"]

    def not_indexed(documents):
        job(documents)["completionMode"] = "NonIndexed"

    def writable_root(documents):
        container(documents)["securityContext"]["readOnlyRootFilesystem"] = False

    return [
        ("--shards differs from completions", shards),
        ("parallelism differs from completions", parallelism),
        ("exit 2 counted instead of failing the Job", exit2_counted),
        ("a Count rule shadowing the FailJob rule", count_before_fail),
        ("no JOB_COMPLETION_INDEX", no_index),
        ("not an Indexed Job", not_indexed),
        ("a writable root filesystem", writable_root),
    ]


def main():
    folder = sys.argv[1] if len(sys.argv) > 1 else str(pathlib.Path(__file__).resolve().parent.parent / "deploy" / "kubernetes")
    documents = load(folder)
    if not documents:
        sys.exit(f"check-kubernetes: no manifests in {folder}")
    version, problems = validate_schemas(documents)
    for problem in problems:
        print(f"check-kubernetes: FAILED: {problem}", file=sys.stderr)
    print(f"check-kubernetes: {len(documents) - len(problems)} of {len(documents)} manifests validate (kubernetes-validate --strict, Kubernetes {version})")
    failures = check_rules(documents)
    for failure in failures:
        print(f"check-kubernetes: FAILED: {failure}", file=sys.stderr)
    if not failures:
        job = next(document for _, document in documents if document.get("kind") == "CronJob")["spec"]["jobTemplate"]["spec"]
        print(f"check-kubernetes: the Indexed Job's rules hold ({job['completions']} shards, --shards {job['completions']})")
    missed = []
    for name, breaking in broken_copies(documents):
        broken = copy.deepcopy(documents)
        breaking(broken)
        if not check_rules(broken):
            missed.append(name)
    for name in missed:
        print(f"check-kubernetes: FAILED: the check did not notice {name}", file=sys.stderr)
    if not missed:
        print(f"check-kubernetes: each of {len(broken_copies(documents))} broken copies is caught")
    if problems or failures or missed:
        sys.exit(1)


if __name__ == "__main__":
    main()
