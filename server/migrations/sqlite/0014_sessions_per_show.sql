-- A viewer's session belongs to one show: its cart, orders, coins and progress
-- are that show's. Sessions from before several shows ran on one server are
-- given to the default show at start (`db::adopt_sessions`).
ALTER TABLE sessions ADD COLUMN show_id TEXT NOT NULL DEFAULT '';
