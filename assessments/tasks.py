"""Celery entry points of the assessments app: they take ids and call a service."""

from celery import shared_task

from .services.declarations import declaration_store_pdf


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def render_declaration_pdf(declaration_id: int) -> str:
    """Render and store the PDF of a signed declaration; safe to run again (the file is
    replaced under the same name). Returns the PDF's SHA-256."""
    return declaration_store_pdf(declaration_id=declaration_id).pdf_sha256
