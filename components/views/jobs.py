"""Jobs in the pages: where a result is a job still running (or failed), and the Jobs page's list of them.

A running job's place shows its state and looks again every ``POLL_SECONDS``; when the job ends the page reruns
and the result is drawn. Closing the tab changes nothing: the job runs on, and the same view finds it later.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pandas as pd
import streamlit as st

from components.logic.wording import in_ui_terms
from components.runtime.background import JobFailed, JobPending, job_queue, where_jobs_run
from components.runtime.identity import this_user
from components.runtime.workspace import workspace_problem
from noise_core.errors import NoiseStudioError
from noise_core.workspace import Job

POLL_SECONDS = 2.0


def _age(moment: datetime) -> str:
    seconds = (datetime.now(UTC) - moment).total_seconds()
    return f"{seconds:.0f} s" if seconds < 120 else f"{seconds / 60:.0f} min"


def render_job_state(state: JobPending | JobFailed, *, failed: str) -> None:
    """A pending job: what it is, that it outlives the tab, and a poll that reruns the page when it ends. A failed
    one: ``failed`` and why, in the dashboard's terms, and a button that runs it again (a job of the same inputs is
    otherwise found, failure and all)."""
    job = state.job
    if isinstance(state, JobFailed):
        st.error(f"{failed}: {in_ui_terms(job.error)}", icon=":material/error:")
        st.button("Run it again", key=f"job_again_{job.id}", on_click=_forget, args=(job.id,))
        return
    st.info(
        f":material/hourglass_top: {job.label} runs as a job, submitted {_age(job.submitted_at)} ago. It goes on if "
        "you close the tab: come back to the same view, or see it on the Jobs page.",
    )
    _poll(job.id)


@st.fragment(run_every=POLL_SECONDS)
def _poll(job_id: str) -> None:
    """Rerun the page once the job has ended (or cannot be read: the page then says what it can)."""
    try:
        queue = job_queue()
        running = queue is not None and queue.job(job_id, viewer=this_user()).status == "submitted"
    except NoiseStudioError:  # deleted meanwhile, or the database went away
        running = False
    if not running:
        st.rerun(scope="app")


def _forget(job_id: str) -> None:
    """Delete a failed job, so that the page asks for it again (a second click finds it gone: nothing to do)."""
    try:
        queue = job_queue()
        if queue is not None:
            queue.forget(job_id, viewer=this_user())
    except NoiseStudioError:
        pass


def jobs_table(jobs: list[Job]) -> pd.DataFrame:
    """One row per job: what, its state, when (UTC) and how long it ran (s), and why it failed."""
    return pd.DataFrame(
        {
            "job": [job.label for job in jobs],
            "kind": [job.kind for job in jobs],
            "status": [job.status for job in jobs],
            "submitted (UTC)": [f"{job.submitted_at:%Y-%m-%d %H:%M:%S}" for job in jobs],
            "ran (s)": [
                None if job.finished_at is None else round((job.finished_at - job.submitted_at).total_seconds(), 1)
                for job in jobs
            ],
            "why it failed": [job.error or "" for job in jobs],
        }
    )


@st.fragment(run_every=POLL_SECONDS * 2)
def render_jobs() -> None:
    """This user's jobs, newest first, refreshed while the page is open; a running one can be cancelled."""
    try:
        queue = job_queue()
    except NoiseStudioError as error:  # a bad NOISE_STUDIO_JOB_* setting
        st.warning(str(error), icon=":material/settings:")
        return
    if queue is None:
        st.warning(workspace_problem(), icon=":material/cloud_off:")
        return
    st.caption(f"Jobs run on {where_jobs_run()}. Results are kept; open the page that asked to see them drawn.")
    try:
        jobs = queue.jobs(this_user())
    except NoiseStudioError as error:
        st.warning(f"The jobs cannot be read: {error}", icon=":material/cloud_off:")
        return
    if not jobs:
        st.info(
            "No jobs yet: error budgets, sweeps, fits and runs too long for the live loop run as jobs.",
            icon=":material/info:",
        )
        return
    st.dataframe(jobs_table(jobs), key="jobs_table", hide_index=True, width="stretch")
    running = [job for job in jobs if job.status == "submitted"]
    if running:
        left, right = st.columns([3, 1], vertical_alignment="bottom")
        chosen = left.selectbox("Running job", running, format_func=lambda job: job.label, key="jobs_running")
        if right.button("Cancel it", key="jobs_cancel", icon=":material/cancel:"):
            try:
                queue.cancel(chosen.id, viewer=this_user())
            except NoiseStudioError as error:
                st.warning(f"Not cancelled: {error}", icon=":material/cloud_off:")
                return
            st.rerun(scope="fragment")
