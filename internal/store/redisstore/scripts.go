package redisstore

import (
	_ "embed"

	"github.com/redis/go-redis/v9"
)

// Operations that must read or change several keys at once run as Lua
// scripts. Every key a script touches carries the tenant's hash tag, so on
// Redis Cluster each script runs within one slot.
var (
	//go:embed lua/active.lua
	activeSrc    string
	activeScript = redis.NewScript(activeSrc)

	//go:embed lua/put.lua
	putSrc    string
	putScript = redis.NewScript(putSrc)

	//go:embed lua/end.lua
	endSrc    string
	endScript = redis.NewScript(endSrc)

	//go:embed lua/history.lua
	historySrc    string
	historyScript = redis.NewScript(historySrc)

	//go:embed lua/append.lua
	appendSrc    string
	appendScript = redis.NewScript(appendSrc)

	//go:embed lua/events.lua
	eventsSrc    string
	eventsScript = redis.NewScript(eventsSrc)
)

// Session and record scripts. A session's scripts touch only keys with
// its tenant's hash tag; a record's touch only the record.
var (
	//go:embed lua/session_put.lua
	sessionPutSrc    string
	sessionPutScript = redis.NewScript(sessionPutSrc)

	//go:embed lua/session_touch.lua
	sessionTouchSrc    string
	sessionTouchScript = redis.NewScript(sessionTouchSrc)

	//go:embed lua/session_end.lua
	sessionEndSrc    string
	sessionEndScript = redis.NewScript(sessionEndSrc)

	//go:embed lua/sessions.lua
	sessionsSrc    string
	sessionsScript = redis.NewScript(sessionsSrc)

	//go:embed lua/record_swap.lua
	recordSwapSrc    string
	recordSwapScript = redis.NewScript(recordSwapSrc)
)
