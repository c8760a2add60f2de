"""The site's own pages, which read several apps: the public dashboard and open data
(aggregates only, never a row about a person), the health check, where a log-in lands
and the error pages. Above the registries and programs, below the tools."""
