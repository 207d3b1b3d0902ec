-- Returns one page of a notification list, newest first, each row as
-- {member, doc, state, attempts, next_at, last_error, done_at}.
-- KEYS[1]  the list (sorted set by member)
-- ARGV[1]  '+' for the first page, else '(' and the last member returned
-- ARGV[2]  how many to return
-- ARGV[3]  notification key prefix (same hash tag, same slot)
local members = redis.call('ZREVRANGEBYLEX', KEYS[1], ARGV[1], '-', 'LIMIT', 0, ARGV[2])
local out = {}
for _, m in ipairs(members) do
  -- A member is a 16-digit time, ':', then the id.
  local row = redis.call('HMGET', ARGV[3] .. string.sub(m, 18), 'doc', 'state', 'attempts', 'next_at', 'last_error', 'done_at')
  table.insert(row, 1, m)
  out[#out + 1] = row
end
return out
