package audit

// Pending returns how many recorded events wait to be written: each holds
// one buffer slot until the store has it.
func (w *Writer) Pending() int { return cap(w.space) - len(w.space) }

// Capacity returns how many events may wait before Record blocks.
func (w *Writer) Capacity() int { return cap(w.space) }
