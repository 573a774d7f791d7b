package emulator

import (
	"bytes"
	"encoding/binary"
	"hash/fnv"
	"image"
	"image/color"
	"image/jpeg"
	"math/rand/v2"
	"sync"
)

// Sizes of the seeded large files, which test downloads of realistic size.
const (
	largeVideoBytes = 5 << 20
	largeImageNoise = 13 // noise amplitude that makes a 1080×1080 JPEG about 200 KB
	pictureSide     = 320
)

// fileSpec is everything that determines a generated file's bytes.
type fileSpec struct {
	seed  uint64
	video bool
	side  int // JPEG width and height in pixels
	noise int // JPEG noise amplitude, 0–255
	size  int // MP4 size in bytes
}

func (s fileSpec) key() [5]uint64 {
	video := uint64(0)
	if s.video {
		video = 1
	}
	return [5]uint64{s.seed, video, uint64(s.side), uint64(s.noise), uint64(s.size)}
}

// fileCache keeps recently generated files, since encoding a JPEG takes tens of milliseconds.
type fileCache struct {
	mu    sync.Mutex
	max   int
	order [][5]uint64
	files map[[5]uint64][]byte
}

func newFileCache(max int) *fileCache {
	return &fileCache{max: max, files: map[[5]uint64][]byte{}}
}

// get returns the file of spec, generating it on a miss. Files are never modified after
// generation, so callers may share the slice.
func (c *fileCache) get(spec fileSpec) []byte {
	k := spec.key()
	c.mu.Lock()
	b, ok := c.files[k]
	c.mu.Unlock()
	if ok {
		return b
	}
	if spec.video {
		b = generateMP4(spec.seed, spec.size)
	} else {
		b = generateJPEG(spec.seed, spec.side, spec.noise)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.files[k]; !ok {
		c.files[k] = b
		c.order = append(c.order, k)
		if len(c.order) > c.max {
			delete(c.files, c.order[0])
			c.order = c.order[1:]
		}
	}
	return b
}

func seedOf(parts ...string) uint64 {
	h := fnv.New64a()
	for _, p := range parts {
		_, _ = h.Write([]byte(p))
		_, _ = h.Write([]byte{0})
	}
	return h.Sum64()
}

// generateJPEG draws a diagonal gradient between two colours picked from seed, plus noise of
// the given amplitude, and encodes it at quality 85.
func generateJPEG(seed uint64, side, noise int) []byte {
	rng := rand.New(rand.NewPCG(seed, 0x5851f42d4c957f2d))
	from := [3]int{rng.IntN(256), rng.IntN(256), rng.IntN(256)}
	to := [3]int{rng.IntN(256), rng.IntN(256), rng.IntN(256)}
	img := image.NewRGBA(image.Rect(0, 0, side, side))
	span := max(1, 2*(side-1))
	for y := range side {
		for x := range side {
			t := x + y
			var c [3]uint8
			for i := range c {
				v := from[i] + (to[i]-from[i])*t/span
				if noise > 0 {
					v += rng.IntN(2*noise+1) - noise
				}
				c[i] = uint8(min(255, max(0, v)))
			}
			img.SetRGBA(x, y, color.RGBA{R: c[0], G: c[1], B: c[2], A: 255})
		}
	}
	var buf bytes.Buffer
	_ = jpeg.Encode(&buf, img, &jpeg.Options{Quality: 85}) // jpeg.Encode fails only above 65535 pixels a side or when the writer fails, and neither happens here
	return buf.Bytes()
}

// generateMP4 returns size bytes of an ISO BMFF file: ftyp, moov with a movie header, and mdat
// filled from seed. Players reject it (there is no track), but parsers read its boxes.
func generateMP4(seed uint64, size int) []byte {
	var b bytes.Buffer
	box := func(kind string, payload []byte) {
		_ = binary.Write(&b, binary.BigEndian, uint32(8+len(payload)))
		b.WriteString(kind)
		b.Write(payload)
	}
	ftyp := append([]byte("isom"), 0, 0, 2, 0)
	ftyp = append(ftyp, "isomiso2avc1mp41"...)
	box("ftyp", ftyp)
	box("moov", movieHeaderBox(15000))
	payload := max(0, size-b.Len()-8)
	data := make([]byte, payload)
	rng := rand.New(rand.NewPCG(seed, 0x14057b7ef767814f))
	for i := 0; i+8 <= len(data); i += 8 {
		binary.LittleEndian.PutUint64(data[i:], rng.Uint64())
	}
	box("mdat", data)
	return b.Bytes()
}

// movieHeaderBox returns a complete mvhd box (version 0, timescale 1000) for the moov payload.
func movieHeaderBox(durationMillis uint32) []byte {
	p := make([]byte, 100)
	binary.BigEndian.PutUint32(p[12:], 1000) // timescale: units per second
	binary.BigEndian.PutUint32(p[16:], durationMillis)
	binary.BigEndian.PutUint32(p[20:], 0x00010000) // rate 1.0
	binary.BigEndian.PutUint16(p[24:], 0x0100)     // volume 1.0
	for i, v := range []uint32{0x00010000, 0, 0, 0, 0x00010000, 0, 0, 0, 0x40000000} {
		binary.BigEndian.PutUint32(p[36+4*i:], v) // unity matrix
	}
	binary.BigEndian.PutUint32(p[96:], 2) // next track id
	out := make([]byte, 0, 108)
	out = binary.BigEndian.AppendUint32(out, 108)
	out = append(out, "mvhd"...)
	return append(out, p...)
}
