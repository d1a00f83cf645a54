"""Background tasks (django-tasks; the queue is the database, run by ``manage.py db_worker``)."""

from django_tasks import task

from heritage import services


@task()
def refresh_consensus_job(job_id: int) -> int:
    """Recompute the monuments of a :class:`heritage.models.ConsensusJob`."""
    return services.run_refresh_job(job_id=job_id)
