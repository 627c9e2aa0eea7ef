-- The user's ISO 3166-1 alpha-2 country (upper case), when they chose one: ai-service picks the crisis
-- resources (helpline numbers) of that country. Null = unknown (ai-service's default country applies).
ALTER TABLE users ADD COLUMN country varchar(2);
