-- The custom persona a premium user gives the companion; ai-service reads it through GetUser.
ALTER TABLE users ADD COLUMN persona varchar(2000);
