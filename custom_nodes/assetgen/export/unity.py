"""Unity profile: the sheet PNG with a ``.png.meta`` that slices it into sprites, and one AnimationClip per animation.

Per page ``<base>.png`` + ``<base>.png.meta``: TextureImporter with textureType 8 (Sprite), spriteMode 2
(Multiple), ``spriteSheet.sprites`` whose rects use Unity's bottom-left origin, alignment 9 (custom) with the
pivot normalised to the (trimmed) rect, a spriteID and internalID per sprite, and both name tables
(``internalIDToNameTable`` for Unity up to 2021.1, ``spriteSheet.nameFileIdTable`` from 2021.2).
Per animation ``<name>.anim`` + ``.anim.meta``: an AnimationClip whose m_PPtrCurves key the m_Sprite
property of a SpriteRenderer (classID 212) with ``{fileID: internalID, guid: png guid, type: 3}`` at
``i / fps``, m_SampleRate = fps and m_LoopTime from ``loop``.
GUIDs and ids are derived from the project, atlas and frame names, so a re-export keeps Unity's references.
Unity sprite rects cannot be rotated: a sheet with rotated frames is repacked without rotation first.
"""

from __future__ import annotations

import hashlib

from assetgen.export.bundle import Bundle, BundleFile, ExportRequest, finish_bundle
from assetgen.image_files import encode_png
from assetgen.imaging.spritesheet import SheetFrame, Spritesheet, unrotated
from assetgen.post.texturepacker import page_image_name

SPRITE_CLASS_ID = 213
SPRITE_RENDERER_CLASS_ID = 212
ANIMATION_CLIP_FILE_ID = 7400000


def stable_guid(*parts: str) -> str:
    """A Unity GUID (32 lowercase hex digits) derived from ``parts``: the same inputs give the same GUID."""
    return hashlib.md5("\x1f".join(("assetgen", *parts)).encode("utf-8"), usedforsecurity=False).hexdigest()


def stable_internal_id(*parts: str) -> int:
    """A non-zero positive 63-bit id (a sprite's internalID / fileID) derived from ``parts``."""
    digest = hashlib.sha256("\x1f".join(("assetgen", *parts)).encode("utf-8")).digest()
    return (int.from_bytes(digest[:8], "big") & ((1 << 63) - 1)) or 1


def _float(value: float) -> str:
    return f"{value:.7g}"


def unity_pivot(frame: SheetFrame) -> tuple[float, float]:
    """The frame's pivot normalised to its trimmed rect with y up (Unity), keeping the untrimmed frame's point."""
    box = frame.trim
    x = (frame.pivot_x * box.source_w_px - box.x_px) / box.w_px
    bottom_margin = box.source_h_px - box.y_px - box.h_px
    y = ((1.0 - frame.pivot_y) * box.source_h_px - bottom_margin) / box.h_px
    return round(x, 6), round(y, 6)


def _yaml_string(text: str) -> str:
    # Frame names are plain; quote anything YAML could read as another type or syntax.
    if (
        text
        and all(c.isalnum() or c in "_-." for c in text)
        and not text[0].isdigit()
        and text.lower()
        not in (
            "true",
            "false",
            "null",
            "yes",
            "no",
            "on",
            "off",
            "y",
            "n",
            "~",
        )
    ):
        return text
    return "'" + text.replace("'", "''") + "'"


def texture_meta(
    sheet: Spritesheet,
    page: int,
    *,
    guid: str,
    ids: dict[str, int],
    sprite_guids: dict[str, str],
    pixels_per_unit: float,
    is_pixel_art: bool = False,
) -> str:
    """The ``.png.meta`` text of one page (pixel art: filterMode 0 = Point; never compressed or mipmapped)."""
    height = sheet.pages[page].shape[0]
    frames = [f for f in sheet.frames if f.page == page]
    table = "".join(
        f"  - first:\n      {SPRITE_CLASS_ID}: {ids[f.name]}\n    second: {_yaml_string(f.name)}\n"
        for f in frames
    )
    sprites = []
    for f in frames:
        px, py = unity_pivot(f)
        sprites.append(
            "    - serializedVersion: 2\n"
            f"      name: {_yaml_string(f.name)}\n"
            "      rect:\n"
            "        serializedVersion: 2\n"
            f"        x: {f.x_px}\n"
            f"        y: {height - f.y_px - f.h_px}\n"
            f"        width: {f.w_px}\n"
            f"        height: {f.h_px}\n"
            "      alignment: 9\n"
            f"      pivot: {{x: {_float(px)}, y: {_float(py)}}}\n"
            "      border: {x: 0, y: 0, z: 0, w: 0}\n"
            "      customData: \n"
            "      outline: []\n"
            "      physicsShape: []\n"
            "      tessellationDetail: -1\n"
            "      bones: []\n"
            f"      spriteID: {sprite_guids[f.name]}\n"
            f"      internalID: {ids[f.name]}\n"
            "      vertices: []\n"
            "      indices: \n"
            "      edges: []\n"
            "      weights: []\n"
        )
    names = "".join(f"      {_yaml_string(f.name)}: {ids[f.name]}\n" for f in frames)
    max_side = max(sheet.pages[page].shape[:2])
    max_texture = next(s for s in (32, 64, 128, 256, 512, 1024, 2048, 4096, 8192, 16384) if s >= max_side)
    return (
        "fileFormatVersion: 2\n"
        f"guid: {guid}\n"
        "TextureImporter:\n"
        f"  internalIDToNameTable:\n{table}"
        "  externalObjects: {}\n"
        "  serializedVersion: 12\n"
        "  mipmaps:\n"
        "    mipMapMode: 0\n"
        "    enableMipMap: 0\n"
        "    sRGBTexture: 1\n"
        "    linearTexture: 0\n"
        "    fadeOut: 0\n"
        "    borderMipMap: 0\n"
        "    mipMapsPreserveCoverage: 0\n"
        "    alphaTestReferenceValue: 0.5\n"
        "    mipMapFadeDistanceStart: 1\n"
        "    mipMapFadeDistanceEnd: 3\n"
        "  bumpmap:\n"
        "    convertToNormalMap: 0\n"
        "    externalNormalMap: 0\n"
        "    heightScale: 0.25\n"
        "    normalMapFilter: 0\n"
        "  isReadable: 0\n"
        "  streamingMipmaps: 0\n"
        "  streamingMipmapsPriority: 0\n"
        "  vTOnly: 0\n"
        "  ignoreMasterTextureLimit: 0\n"
        "  grayScaleToAlpha: 0\n"
        "  generateCubemap: 6\n"
        "  cubemapConvolution: 0\n"
        "  seamlessCubemap: 0\n"
        "  textureFormat: 1\n"
        f"  maxTextureSize: {max_texture}\n"
        "  textureSettings:\n"
        "    serializedVersion: 2\n"
        f"    filterMode: {0 if is_pixel_art else 1}\n"
        "    aniso: 1\n"
        "    mipBias: 0\n"
        "    wrapU: 1\n"
        "    wrapV: 1\n"
        "    wrapW: 1\n"
        "  nPOTScale: 0\n"
        "  lightmap: 0\n"
        "  compressionQuality: 50\n"
        "  spriteMode: 2\n"
        "  spriteExtrude: 1\n"
        "  spriteMeshType: 0\n"
        "  alignment: 0\n"
        "  spritePivot: {x: 0.5, y: 0.5}\n"
        f"  spritePixelsToUnits: {_float(pixels_per_unit)}\n"
        "  spriteBorder: {x: 0, y: 0, z: 0, w: 0}\n"
        "  spriteGenerateFallbackPhysicsShape: 1\n"
        "  alphaUsage: 1\n"
        "  alphaIsTransparency: 1\n"
        "  spriteTessellationDetail: -1\n"
        "  textureType: 8\n"
        "  textureShape: 1\n"
        "  singleChannelComponent: 0\n"
        "  flipbookRows: 1\n"
        "  flipbookColumns: 1\n"
        "  maxTextureSizeSet: 0\n"
        "  compressionQualitySet: 0\n"
        "  textureFormatSet: 0\n"
        "  ignorePngGamma: 0\n"
        "  applyGammaDecoding: 0\n"
        "  swizzle: 50462976\n"
        "  cookieLightType: 0\n"
        "  platformSettings:\n"
        "  - serializedVersion: 3\n"
        "    buildTarget: DefaultTexturePlatform\n"
        f"    maxTextureSize: {max_texture}\n"
        "    resizeAlgorithm: 0\n"
        "    textureFormat: -1\n"
        "    textureCompression: 0\n"
        "    compressionQuality: 50\n"
        "    crunchedCompression: 0\n"
        "    allowsAlphaSplitting: 0\n"
        "    overridden: 0\n"
        "    ignorePlatformSupport: 0\n"
        "    androidETC2FallbackOverride: 0\n"
        "    forceMaximumCompressionQuality_BC6H_BC7: 0\n"
        "  spriteSheet:\n"
        "    serializedVersion: 2\n"
        f"    sprites:\n{''.join(sprites)}"
        "    outline: []\n"
        "    customData: \n"
        "    physicsShape: []\n"
        "    bones: []\n"
        "    spriteID: \n"
        "    internalID: 0\n"
        "    vertices: []\n"
        "    indices: \n"
        "    edges: []\n"
        "    weights: []\n"
        "    secondaryTextures: []\n"
        f"    nameFileIdTable:\n{names}"
        "  mipmapLimitGroupName: \n"
        "  pSDRemoveMatte: 0\n"
        "  userData: \n"
        "  assetBundleName: \n"
        "  assetBundleVariant: \n"
    )


def animation_clip(name: str, keys: list[tuple[int, str]], *, fps: float, loop: bool) -> str:
    """The ``.anim`` text: ``keys`` are (sprite internalID, png guid) in play order, one per frame."""
    step = 1.0 / fps
    stop = len(keys) * step
    # A last key repeats the final sprite at the clip's end, so the final frame shows for a full step.
    timed = [(i * step, key) for i, key in enumerate(keys)] + [(stop, keys[-1])]
    curve = "".join(
        f"    - time: {_float(t)}\n      value: {{fileID: {fid}, guid: {guid}, type: 3}}\n"
        for t, (fid, guid) in timed
    )
    mapping = "".join(f"    - {{fileID: {fid}, guid: {guid}, type: 3}}\n" for _, (fid, guid) in timed)
    return (
        "%YAML 1.1\n"
        "%TAG !u! tag:unity3d.com,2011:\n"
        f"--- !u!74 &{ANIMATION_CLIP_FILE_ID}\n"
        "AnimationClip:\n"
        "  m_ObjectHideFlags: 0\n"
        "  m_CorrespondingSourceObject: {fileID: 0}\n"
        "  m_PrefabInstance: {fileID: 0}\n"
        "  m_PrefabAsset: {fileID: 0}\n"
        f"  m_Name: {_yaml_string(name)}\n"
        "  serializedVersion: 7\n"
        "  m_Legacy: 0\n"
        "  m_Compressed: 0\n"
        "  m_UseHighQualityCurve: 1\n"
        "  m_RotationCurves: []\n"
        "  m_CompressedRotationCurves: []\n"
        "  m_EulerCurves: []\n"
        "  m_PositionCurves: []\n"
        "  m_ScaleCurves: []\n"
        "  m_FloatCurves: []\n"
        "  m_PPtrCurves:\n"
        "  - curve:\n"
        f"{curve}"
        "    attribute: m_Sprite\n"
        "    path: \n"
        f"    classID: {SPRITE_RENDERER_CLASS_ID}\n"
        "    script: {fileID: 0}\n"
        f"  m_SampleRate: {_float(fps)}\n"
        "  m_WrapMode: 0\n"
        "  m_Bounds:\n"
        "    m_Center: {x: 0, y: 0, z: 0}\n"
        "    m_Extent: {x: 0, y: 0, z: 0}\n"
        "  m_ClipBindingConstant:\n"
        "    genericBindings:\n"
        "    - serializedVersion: 2\n"
        "      path: 0\n"
        "      attribute: 0\n"
        "      script: {fileID: 0}\n"
        f"      typeID: {SPRITE_RENDERER_CLASS_ID}\n"
        "      customType: 23\n"
        "      isPPtrCurve: 1\n"
        "      isIntCurve: 0\n"
        "      isSerializeReferenceCurve: 0\n"
        "    pptrCurveMapping:\n"
        f"{mapping}"
        "  m_AnimationClipSettings:\n"
        "    serializedVersion: 2\n"
        "    m_AdditiveReferencePoseClip: {fileID: 0}\n"
        "    m_AdditiveReferencePoseTime: 0\n"
        "    m_StartTime: 0\n"
        f"    m_StopTime: {_float(stop)}\n"
        "    m_OrientationOffsetY: 0\n"
        "    m_Level: 0\n"
        "    m_CycleOffset: 0\n"
        "    m_HasAdditiveReferencePose: 0\n"
        f"    m_LoopTime: {1 if loop else 0}\n"
        "    m_LoopBlend: 0\n"
        "    m_LoopBlendOrientation: 0\n"
        "    m_LoopBlendPositionY: 0\n"
        "    m_LoopBlendPositionXZ: 0\n"
        "    m_KeepOriginalOrientation: 0\n"
        "    m_KeepOriginalPositionY: 1\n"
        "    m_KeepOriginalPositionXZ: 0\n"
        "    m_HeightFromFeet: 0\n"
        "    m_Mirror: 0\n"
        "  m_EditorCurves: []\n"
        "  m_EulerEditorCurves: []\n"
        "  m_HasGenericRootTransform: 0\n"
        "  m_HasMotionFloatCurves: 0\n"
        "  m_Events: []\n"
    )


def native_meta(guid: str) -> str:
    """The ``.anim.meta`` text (NativeFormatImporter pointing at the clip object)."""
    return (
        "fileFormatVersion: 2\n"
        f"guid: {guid}\n"
        "NativeFormatImporter:\n"
        "  externalObjects: {}\n"
        f"  mainObjectFileID: {ANIMATION_CLIP_FILE_ID}\n"
        "  userData: \n"
        "  assetBundleName: \n"
        "  assetBundleVariant: \n"
    )


def build_bundle(request: ExportRequest) -> Bundle:
    """Unity bundle: per page PNG + .png.meta, per animation .anim + .anim.meta, and the manifest."""
    sheet = unrotated(request.sheet)
    pixel_art = request.pixel_art
    ppu = pixel_art.pixels_per_unit if pixel_art else request.profile.options.pixels_per_unit
    files: dict[str, BundleFile] = {}
    ids = {f.name: stable_internal_id(request.project_id, request.atlas_id, f.name) for f in sheet.frames}
    sprite_guids = {
        f.name: stable_guid(request.project_id, request.atlas_id, "sprite", f.name) for f in sheet.frames
    }
    page_guids = []
    for page in range(len(sheet.pages)):
        png_name = page_image_name(request.base_name, page)
        guid = stable_guid(request.project_id, request.atlas_id, png_name)
        page_guids.append(guid)
        names = tuple(f.name for f in sheet.frames if f.page == page)
        files[png_name] = BundleFile(encode_png(sheet.pages[page]), "atlas_image", names)
        meta = texture_meta(
            sheet,
            page,
            guid=guid,
            ids=ids,
            sprite_guids=sprite_guids,
            pixels_per_unit=ppu,
            is_pixel_art=pixel_art is not None,
        )
        files[f"{png_name}.meta"] = BundleFile(meta.encode("utf-8"), "engine_metadata", names)
    pages = {f.name: f.page for f in sheet.frames}
    for animation in request.animations:
        keys = [(ids[n], page_guids[pages[n]]) for n in animation.frames]
        clip = animation_clip(animation.name, keys, fps=animation.fps, loop=animation.loop)
        anim_name = f"{animation.name}.anim"
        frames = tuple(animation.frames)
        files[anim_name] = BundleFile(clip.encode("utf-8"), "engine_animation", frames)
        guid = stable_guid(request.project_id, request.atlas_id, anim_name)
        files[f"{anim_name}.meta"] = BundleFile(native_meta(guid).encode("utf-8"), "engine_metadata", frames)
    return finish_bundle(request, files)
