-- Replaces a record if it still holds the expected value. Returns 1 if it
-- wrote, else 0.
-- KEYS[1]  the record
-- ARGV[1]  expected value
-- ARGV[2]  new value
-- ARGV[3]  TTL in milliseconds, '0' for none
if redis.call('GET', KEYS[1]) ~= ARGV[1] then
  return 0
end
if ARGV[3] ~= '0' then
  redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])
else
  redis.call('SET', KEYS[1], ARGV[2])
end
return 1
