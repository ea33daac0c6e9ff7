"""The PDF of a signed management declaration (WeasyPrint, A4, Japanese typography).

The layout is templates/pdf/declaration.html. It is bilingual by design (every label in Japanese
and English, whatever the signer's language), so it does not go through gettext.
"""

from django.conf import settings
from django.template.loader import render_to_string
from weasyprint import HTML

from .models import Declaration
from .selectors import answer_status_counts, scope_entities_in_order


def declaration_html(declaration: Declaration) -> str:
    """The HTML the PDF is rendered from (also useful to test the content)."""
    application = declaration.application
    counts = answer_status_counts(application)
    return render_to_string(
        "pdf/declaration.html",
        {
            "declaration": declaration,
            "application": application,
            "organisation": application.organisation,
            "entities": scope_entities_in_order(application),
            "approval": declaration.approval,
            "counts": counts,
            "total": sum(counts.values()),
        },
    )


def render_declaration_pdf(declaration: Declaration) -> bytes:
    """Render the declaration as PDF bytes."""
    html = HTML(string=declaration_html(declaration), base_url=str(settings.BASE_DIR))
    return html.write_pdf()
