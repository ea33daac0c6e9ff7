"""HTML views: public directories (public.py), designation and staff management (manage.py),
and the advisors' and registration staff's pages (advisors.py). All are thin: they fetch
through selectors (objects outside the user's scope are 404) and write through services."""
