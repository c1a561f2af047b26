"""Every write and every rule of campaigns, one module per part of the work:

``campaigns`` (campaigns, KPIs, experiments), ``briefs`` (drafts, templates, versions),
``collaborations`` (invites, stages, questions), ``offers`` (packages, counter-offers, terms),
``deliverables``, ``reviews`` (submissions, decisions), ``seeding`` (products, shipments,
fulfilment files), ``sla`` (service-level clocks) and ``reminders`` (notifications, digests).
"""
