"""The ``make run`` banner and the record of loaded stories, without a platform."""

from __future__ import annotations

from pathlib import Path

from deploy.demo.kit import RoleRecorder, StoryResult
from deploy.demo.stories import SEED_STORIES, read_loaded, write_loaded
from deploy.run import ServiceProc, format_banner, role_credentials

STORIES = [
    StoryResult(
        number=n,
        title_ja=f"事例{n}",
        title_en=f"story {n}",
        case_id=f"case-{n}",
        roles=(("loans", "worker"), ("intake", "worker")) if n == 2 else (("loans", "manager"),),
        ids={"household_id": f"case-{n}"},
    )
    for n in range(1, SEED_STORIES + 1)
]
SERVICES = [ServiceProc("intake", 8101), ServiceProc("reporting", 8105)]


def test_each_story_is_one_entry_with_its_case_id_and_the_url_of_its_case_view() -> None:
    banner = format_banner(SERVICES, "127.0.0.1:9092", STORIES)
    lines = banner.splitlines()
    assert "Seed stories (8 of 8): open each case with a token of a role it names" in lines
    for story in STORIES:
        assert f"  {story.number}. {story.title_ja}" in lines
        assert f"     {story.title_en}" in lines
        url = f"http://127.0.0.1:8105/cases/{story.case_id}?purpose=support_coordination"
        assert f"     case {story.case_id}  {url}" in lines
    assert "     roles: loans/worker, intake/worker" in lines


def test_credentials_are_printed_once_for_every_role_a_story_needs() -> None:
    banner = format_banner(SERVICES, "b", STORIES, credentials=lambda roles: [f"cred {d} {r}" for d, r in roles])
    creds = [line for line in banner.splitlines() if line.startswith("cred ")]
    assert len(creds) == len(set(creds))
    assert {"cred loans manager", "cred loans worker", "cred intake worker"} <= set(creds)


def test_development_tokens_name_department_and_role() -> None:
    lines = role_credentials([("loans", "manager")])
    assert lines[0].startswith("Development tokens")
    dept, role, token = lines[1].split()
    assert (dept, role) == ("loans", "manager") and token.count(".") == 2


def test_without_stories_the_banner_still_prints_urls_and_tokens() -> None:
    banner = format_banner(SERVICES, "b", [])
    assert "Seed stories" not in banner and "http://127.0.0.1:8101/docs" in banner
    assert "reporting    worker" in banner


def test_without_reporting_the_case_id_is_still_printed() -> None:
    banner = format_banner([ServiceProc("loans", 8102)], "b", STORIES[:1])
    assert "     case case-1" in banner.splitlines()


def test_loaded_stories_are_kept_for_the_next_run(tmp_path: Path) -> None:
    mark = tmp_path / "demo-loaded"
    write_loaded(mark, STORIES)
    assert read_loaded(mark) == STORIES
    mark.write_text("loans:story_1:household_id=hh-1\n")  # an older run's format
    assert read_loaded(mark) == []


def test_the_role_recorder_notes_each_role_asked_for() -> None:
    recorder = RoleRecorder(lambda d, r: f"{d}-{r}")
    assert recorder("loans", "manager") == "loans-manager"
    recorder("intake", "worker")
    recorder("loans", "manager")
    assert recorder.roles == (("intake", "worker"), ("loans", "manager"))


def test_under_sign_in_the_banner_names_the_demo_staff_member_of_each_role_and_no_token() -> None:
    from deploy.run import demo_staff

    issuer = "http://127.0.0.1:8180/realms/tsunagu"
    banner = format_banner(SERVICES, "b", STORIES, credentials=demo_staff(issuer, "http://127.0.0.1:8180"))
    lines = banner.splitlines()
    assert any(line.startswith("Demo staff (sign in at " + issuer) for line in lines)
    assert "  loans        manager  loans-manager" in lines and "  intake       worker   intake-worker" in lines
    assert not any(line.count(".") == 2 and len(line) > 100 for line in lines), "no token is printed"


def test_a_split_service_is_a_web_process_on_its_port_and_a_worker_on_another():
    web, worker = ServiceProc("loans", 8102).split(worker_port=9000)
    assert (web.name, web.port, web.process, web.log_name) == ("loans", 8102, "web", "loans-web.log")
    assert (worker.name, worker.port, worker.process, worker.log_name) == ("loans", 9000, "worker", "loans-worker.log")
