from kombu.transport import sqlalchemy as embedded_broker

from web import create_app

# The embedded broker (kombu's SQLAlchemy transport) looks for messages once a second by default, and a
# worker holding a task looks again only after that pause: one task a second, so a hub's emails (or the
# fault tests' repair tasks, sent every second) queued faster than they were sent and expired unrun. Five
# looks a second is five tasks; an idle worker spends 2-3 % of a core looking. Its transport options
# all go to create_engine(), which rejects this one, hence the class attribute.
embedded_broker.Transport.polling_interval = 0.2

celery_app = create_app().extensions["celery"]
