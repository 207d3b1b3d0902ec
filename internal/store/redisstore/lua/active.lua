-- Returns {id, grant JSON} of the tenant's active grant, the JSON nil if
-- the id points nowhere, or nil if there is no active grant.
-- KEYS[1]  active grant id
-- ARGV[1]  grant key prefix of the same tenant
-- The grant key is built here rather than passed in because its id is only
-- known inside the script; it carries the tenant's hash tag, so it lives in
-- the same cluster slot as KEYS[1].
local id = redis.call('GET', KEYS[1])
if not id then
  return false
end
return {id, redis.call('GET', ARGV[1] .. id)}
