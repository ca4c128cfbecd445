"""Request intake: what a form asks and how its answers become an item.

- `questions`: a question's type, from the column or core field it maps to (validation is the
  board column type's own) and the coercion of posted text;
- `conditions`: `show_if`, page branching and routing conditions, checked and evaluated;
- `definition`: a form's fields, pages and routing checked against its board;
- `answers`: the public contract of the form pages (which pages and questions to show, the
  answers cleaned, the item fields they make);
- `routing`: which routing rule applies to some answers;
- `spam`: honeypot, time-to-submit stamp and per-address throttle for anonymous submissions.

Writes (forms, submissions, processing) live in `automations.services.intake`.
"""
