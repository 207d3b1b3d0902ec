package export

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
)

// recover brings the cursor up to the output file: lines after
// Cursor.Offset were written but the cursor was not saved; a last line
// without its newline was cut short and is removed. A file smaller than
// the offset was rotated: the export goes on at its end.
func (x *Exporter) recover() error {
	fi, err := x.file.Stat()
	if err != nil {
		return fmt.Errorf("export: %w", err)
	}
	size := fi.Size()
	if size < x.cur.Offset {
		x.cur.Offset = size
		return x.saveCursor()
	}
	if size == x.cur.Offset {
		return nil
	}
	r := bufio.NewReaderSize(io.NewSectionReader(x.file, x.cur.Offset, size-x.cur.Offset), 64<<10)
	good := x.cur.Offset
	for {
		line, err := r.ReadBytes('\n')
		if err == io.EOF {
			break
		}
		if err != nil {
			return fmt.Errorf("export: %w", err)
		}
		var e struct {
			Tenant string `json:"tenant"`
			Seq    int64  `json:"seq"`
		}
		if err := json.Unmarshal(bytes.TrimSpace(line), &e); err != nil || e.Tenant == "" {
			return fmt.Errorf("export: line at byte %d of the output is not an event; not appending after it", good)
		}
		x.cur.After[e.Tenant] = max(x.cur.After[e.Tenant], e.Seq)
		good += int64(len(line))
	}
	if good < size {
		if err := x.file.Truncate(good); err != nil {
			return fmt.Errorf("export: cut a partial line: %w", err)
		}
	}
	x.cur.Offset = good
	return x.saveCursor()
}
