-- The escalation looks for open tasks past their due date every minute.
CREATE INDEX workflow_tasks_open_due ON workflow_tasks (due_date) WHERE state = 'opened';
