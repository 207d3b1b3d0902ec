-- Takes or renews a tenant's retention lease.
-- Returns {'ok', fence} or {'held', holder}.
-- KEYS[1]  lease: '<fence> <until µs> <holder>'
-- ARGV[1]  holder
-- ARGV[2]  now (µs)
-- ARGV[3]  until (µs)
local cur = redis.call('GET', KEYS[1])
local fence = 0
if cur then
  local f, untl, holder = string.match(cur, '^(%d+) (%-?%d+) (.*)$')
  fence = tonumber(f)
  local live = tonumber(untl) > tonumber(ARGV[2])
  if live and holder ~= ARGV[1] then
    return {'held', holder}
  end
  if not live then
    fence = fence + 1
  end
else
  fence = 1
end
redis.call('SET', KEYS[1], string.format('%d %s %s', fence, ARGV[3], ARGV[1]))
return {'ok', tostring(fence)}
