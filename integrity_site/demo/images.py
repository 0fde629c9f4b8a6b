"""Cover images drawn locally with Pillow, so loading the demo needs no network."""

import hashlib
import io

from django.core.files.images import ImageFile
from PIL import Image as PillowImage
from PIL import ImageDraw
from wagtail.images import get_image_model

PALETTES = [
    ((183, 28, 28), (255, 236, 179)),
    ((142, 18, 18), (255, 205, 210)),
    ((191, 54, 12), (255, 224, 178)),
    ((38, 50, 56), (207, 216, 220)),
    ((27, 94, 32), (200, 230, 201)),
]


def draw_cover(seed, size=(1200, 675)):
    """A gradient with a few circles, varied but stable for the same seed."""
    digest = hashlib.sha256(seed.encode()).digest()
    dark, light = PALETTES[digest[0] % len(PALETTES)]
    width, height = size
    image = PillowImage.new("RGB", size, dark)
    draw = ImageDraw.Draw(image)
    for y in range(height):
        share = y / height
        colour = tuple(round(low + (high - low) * share * 0.6) for low, high in zip(dark, light, strict=True))
        draw.line([(0, y), (width, y)], fill=colour)
    for index in range(4):
        radius = 60 + digest[index + 1] % 140
        x = digest[index + 5] * width // 255
        y = digest[index + 9] * height // 255
        draw.ellipse([x - radius, y - radius, x + radius, y + radius], outline=light, width=6)
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=85)
    buffer.seek(0)
    return buffer


def demo_image(title, seed):
    """The demo image of this title, created once."""
    image_model = get_image_model()
    existing = image_model.objects.filter(title=title).first()
    if existing:
        return existing, False
    file = ImageFile(draw_cover(seed), name=f"demo-{hashlib.sha1(seed.encode()).hexdigest()[:12]}.jpg")
    return image_model.objects.create(title=title, file=file), True
