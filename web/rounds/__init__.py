"""What the careers leader's school round pages and the hub's round pages share: the forms that start a round
or a what-if (forms.py), the handlers both blueprints call (pages.py) and the side-by-side of two rounds
(comparison.py). No blueprint of its own: web/careers and web/hub route to these."""
